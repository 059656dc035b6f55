#!/usr/bin/env node
// The one command that runs every test of the workspace (`npm test`, and `.ci/run` through it).
//
//   1. build everything (the e2e suites start the built API and serve the built dashboard), then type-check every
//      project (the build strips types without checking them), then check the API's module boundaries;
//   2. Jest, every project of jest.config.ts: first the unit and e2e suites on two workers, then the
//      integration suites (*.int-spec.ts), also on two workers: each test makes its own SQLite or MariaDB database
//      (a fresh `ccri_test_…` database on the shared server, a MariaDB of its own in the outage suite) and its own
//      ports, so two suites at a time share nothing;
//   3. Vitest for the dashboard's component tests and the demo SMART app's;
//   4. add up the runners' JSON reports and print `N passed, M failed, K skipped` as the very last line, where a
//      failed build, type-check or module boundary check, a missing report and a step that ran no test each count
//      as a failure.
//
// Exits non-zero when a test failed, a suite could not run, a runner crashed or timed out, or a runner
// ran no test at all. Runners stream their usual output so a human can follow progress.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readReport, stepProblems, summarize } from './test-summary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'test-output');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const RUNNER_TIMEOUT_MS = Number(process.env.TEST_RUNNER_TIMEOUT_MS ?? 25 * 60_000);
const INTEGRATION = '\\.int-spec\\.ts$';

/** Runs a command with inherited stdio; resolves to its exit code (a signal or a timeout counts as a crash). */
function run(label, command, args) {
  const shown = command === process.execPath ? 'node' : path.relative(root, command);
  console.log(`\n==> ${label}: ${[shown, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env });
    const timer = setTimeout(() => {
      console.error(`\n${label}: no result after ${RUNNER_TIMEOUT_MS / 1000} s, stopping it`);
      child.kill('SIGKILL');
    }, RUNNER_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      console.error(`${label}: could not start: ${err.message}`);
      resolve(-1);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ? -1 : code);
    });
  });
}

mkdirSync(outDir, { recursive: true });
const reports = {
  jestUnit: path.join(outDir, 'jest-results.json'),
  jestIntegration: path.join(outDir, 'jest-integration-results.json'),
  vitest: path.join(outDir, 'vitest-results.json'),
  vitestDemoApp: path.join(outDir, 'vitest-demo-app-results.json'),
};
for (const file of Object.values(reports)) rmSync(file, { force: true });

const problems = [];
const ci = process.env.CI ? ['--ci'] : [];
const jest = [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', 'jest.config.ts', ...ci];

const buildCode = await run('build', bin('nx'), ['run-many', '-t', 'build', '--output-style=stream']);
if (buildCode !== 0) problems.push(`build exited with ${buildCode} (suites that need the built apps will fail)`);

// The build (swc, esbuild) strips types without checking them; tsc checks every project, tests included.
const typecheckCode = await run('typecheck', bin('nx'), ['run-many', '-t', 'typecheck', '--output-style=stream']);
if (typecheckCode !== 0) problems.push(`typecheck exited with ${typecheckCode}`);

// The API's module boundaries (no import cycles, only allowed imports between modules); `npm run lint` runs it too.
const boundariesCode = await run('module boundaries', process.execPath, [
  path.join(root, 'tools', 'check-boundaries.mjs'),
]);
if (boundariesCode !== 0)
  problems.push(`the module boundary check (tools/check-boundaries.mjs) exited with ${boundariesCode}`);

const runs = [
  {
    label: 'jest',
    command: process.execPath,
    args: [
      ...jest,
      '--maxWorkers=2',
      `--testPathIgnorePatterns=${INTEGRATION}`,
      '--testPathIgnorePatterns=/node_modules/',
      '--json',
      `--outputFile=${reports.jestUnit}`,
    ],
    report: reports.jestUnit,
  },
  {
    label: 'jest (integration, two suites at a time)',
    command: process.execPath,
    args: [
      ...jest,
      '--maxWorkers=2',
      '--passWithNoTests',
      `--testPathPatterns=${INTEGRATION}`,
      '--json',
      `--outputFile=${reports.jestIntegration}`,
    ],
    report: reports.jestIntegration,
  },
  {
    label: 'vitest (apps/admin)',
    command: bin('vitest'),
    args: [
      'run',
      '--root',
      'apps/admin',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reports.vitest}`,
    ],
    report: reports.vitest,
  },
  {
    label: 'vitest (apps/demo-app)',
    command: bin('vitest'),
    args: [
      'run',
      '--root',
      'apps/demo-app',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reports.vitestDemoApp}`,
    ],
    report: reports.vitestDemoApp,
  },
];

const results = [];
for (const step of runs) {
  const code = await run(step.label, step.command, step.args);
  const result = readReport(step.label, step.report);
  results.push(result);
  problems.push(...stepProblems(step, code, result));
}

// Steps `.ci/run` took before this one (the smoke on the machine's own Node, installing the LTS the suites run on),
// as `label:passed` or `label:failed` entries separated by `;`: a passed step counts as one passed test, a failed one
// as a problem, so the last line tells of them too.
for (const entry of (process.env.CI_PRIOR_STEPS ?? '').split(';').filter(Boolean)) {
  const at = entry.lastIndexOf(':');
  const label = entry.slice(0, at);
  if (entry.slice(at + 1) === 'passed') results.push({ label, ok: true, passed: 1, failed: 0, skipped: 0, total: 1 });
  else problems.push(`${label} failed`);
}

const summary = summarize(results, problems);
console.log('\n==> summary');
for (const line of summary.lines) console.log(line);
process.exitCode = summary.exitCode;
