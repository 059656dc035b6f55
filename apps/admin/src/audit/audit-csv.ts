import type { AuditRecord } from '@ccri/contracts';

export const AUDIT_CSV_COLUMNS: (keyof AuditRecord)[] = [
  'id',
  'recorded_at',
  'category',
  'action',
  'outcome',
  'status',
  'reason',
  'client_id',
  'actor',
  'resource_type',
  'resource_id',
  'scope',
  'ip',
  'request_id',
];

/**
 * One CSV field (RFC 4180 §2: quoted when it holds a comma, quote or line break; quotes doubled). A value a
 * spreadsheet would run as a formula is prefixed with an apostrophe (OWASP "CSV Injection"): the audit trail
 * holds what callers sent, and a client name or reason could start with "=".
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The records as CSV with a header row, lines ended by CRLF (RFC 4180 §2). */
export function toCsv(records: AuditRecord[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const record of records) lines.push(AUDIT_CSV_COLUMNS.map((column) => csvField(record[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Saves text as a file through the browser's download. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
