import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReport, stepProblems, summarize } from '../../../../tools/test-summary.mjs';

/**
 * `npm test`'s last line (tools/test.mjs) must not say `0 failed` when the run was broken. Not an integration
 * suite, but it lives here because tools/ has no Jest project of its own; it runs in a few milliseconds.
 */
describe('the summary line of tools/test.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));
  const write = (name: string, report: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(report));
    return file;
  };
  const report = (passed: number, failed: number, pending = 0, suites = 1) => ({
    numPassedTests: passed,
    numFailedTests: failed,
    numPendingTests: pending,
    numTodoTests: 0,
    numTotalTests: passed + failed + pending,
    numTotalTestSuites: suites,
    testResults: [],
    success: failed === 0,
  });

  it('a clean run reads N passed, 0 failed, K skipped', () => {
    const unit = readReport('jest', write('unit.json', report(10, 0, 2)));
    const vitest = readReport('vitest', write('vitest.json', report(5, 0)));
    const summary = summarize([unit, vitest], []);
    expect(summary.lines.at(-1)).toBe('15 passed, 0 failed, 2 skipped');
    expect(summary.exitCode).toBe(0);
  });

  it('a failed build and a failed type-check each count as a failure in the last line', () => {
    const unit = readReport('jest', write('unit2.json', report(10, 0)));
    const summary = summarize([unit], ['build exited with 1', 'typecheck exited with 2']);
    expect(summary.lines.at(-1)).toBe('10 passed, 2 failed, 0 skipped');
    expect(summary.exitCode).toBe(1);
  });

  it('a missing report counts as a failure', () => {
    const missing = readReport('vitest', join(dir, 'nothing-here.json'));
    const problems = stepProblems({ label: 'vitest' }, 1, missing);
    expect(problems).toEqual(['vitest: no report written (exit code 1)']);
    expect(summarize([missing], problems).lines.at(-1)).toBe('0 passed, 1 failed, 0 skipped');
  });

  it('an integration step that ran no suite counts as a failure', () => {
    const none = readReport('jest (integration)', write('int.json', report(0, 0, 0, 0)));
    const problems = stepProblems({ label: 'jest (integration)' }, 0, none);
    expect(problems).toEqual(['jest (integration): ran no tests']);
    expect(summarize([none], problems).lines.at(-1)).toBe('0 passed, 1 failed, 0 skipped');
  });

  it('failed tests and a suite that crashed outside any test add up; no double count for a failing runner', () => {
    const broken = write('broken.json', {
      ...report(3, 1),
      testResults: [{ status: 'failed', assertionResults: [] }],
    });
    const result = readReport('jest', broken);
    const problems = stepProblems({ label: 'jest' }, 1, result);
    expect(problems).toEqual([]);
    expect(summarize([result], problems).lines.at(-1)).toBe('3 passed, 2 failed, 0 skipped');
  });

  it('a runner that exits non-zero with no failed test counts as a failure', () => {
    const result = readReport('jest', write('crash.json', report(4, 0)));
    const problems = stepProblems({ label: 'jest' }, 134, result);
    expect(summarize([result], problems).lines.at(-1)).toBe('4 passed, 1 failed, 0 skipped');
  });
});
