// Types of tools/test-summary.mjs for the spec that checks it.
export interface StepResult {
  label: string;
  ok: boolean;
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  suites?: number;
  success?: boolean;
  note?: string;
}
export function readReport(label: string, file: string): StepResult;
export function stepProblems(step: { label: string }, code: number, result: StepResult): string[];
export function summarize(
  results: StepResult[],
  problems: string[],
): { passed: number; failed: number; skipped: number; lines: string[]; exitCode: number };
