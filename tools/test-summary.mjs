// The arithmetic of `tools/test.mjs`'s summary, apart from the runners so a spec can check it
// (apps/api/test/hardening/test-summary.int-spec.ts).
import { existsSync, readFileSync } from 'node:fs';

/**
 * Reads a Jest-shaped JSON report (Vitest's json reporter writes the same shape). A suite that failed
 * to load or crashed outside any test has no failed test of its own, so it counts as one failure.
 * Skipped counts pending and todo tests.
 */
export function readReport(label, file) {
  const empty = { label, ok: false, passed: 0, failed: 0, skipped: 0, total: 0 };
  if (!existsSync(file)) return { ...empty, note: 'no report written' };
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const suites = report.testResults ?? [];
    const brokenSuites = suites.filter(
      (suite) =>
        suite.status === 'failed' && !(suite.assertionResults ?? []).some((assertion) => assertion.status === 'failed'),
    ).length;
    return {
      label,
      ok: true,
      passed: report.numPassedTests ?? 0,
      failed: (report.numFailedTests ?? 0) + brokenSuites,
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
      total: report.numTotalTests ?? 0,
      suites: report.numTotalTestSuites ?? suites.length,
      success: report.success === true,
    };
  } catch (err) {
    return { ...empty, note: `unreadable report: ${err.message}` };
  }
}

/**
 * The problems of one runner step besides its failed tests: no report, no test (or no suite) run, or a non-zero
 * exit with no failed test to show for it.
 */
export function stepProblems(step, code, result) {
  if (!result.ok) return [`${step.label}: ${result.note} (exit code ${code})`];
  if (result.total === 0 || result.suites === 0) return [`${step.label}: ran no tests`];
  if (code !== 0 && result.failed === 0) return [`${step.label}: exited with ${code} although no test failed`];
  return [];
}

/**
 * The summary: one line per runner, one per problem, and as the very last line `N passed, M failed, K skipped`,
 * where every problem (a failed build or type-check, a missing report, a step that ran nothing, a runner that
 * failed without a failed test) counts as one failure, so the last line never says `0 failed` for a broken run.
 */
export function summarize(results, problems) {
  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0) + problems.length;
  const skipped = results.reduce((sum, r) => sum + (r.skipped ?? 0), 0);
  const lines = [
    ...results.map(
      (r) => `  ${r.label}: ${r.ok ? `${r.passed} passed, ${r.failed} failed, ${r.skipped ?? 0} skipped` : r.note}`,
    ),
    ...problems.map((problem) => `  problem: ${problem}`),
    `${passed} passed, ${failed} failed, ${skipped} skipped`,
  ];
  return { passed, failed, skipped, lines, exitCode: failed > 0 ? 1 : 0 };
}
