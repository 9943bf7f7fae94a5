import type { ImportRowResult } from '@tsudoi/protocol';
import { stringify } from 'csv-stringify/sync';

/** Cells a spreadsheet would run as a formula (OWASP CSV injection): `= + - @`, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell that a spreadsheet shows as text: a formula-looking value gets a leading `'`. */
export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * The per-row report of an import as CSV (R15): UTF-8 with BOM so Excel reads Japanese, RFC 4180 quoting
 * by csv-stringify, and every cell neutralised, since names and departments come from an uploaded file.
 */
export function importReportCsv(rows: readonly ImportRowResult[]): string {
  const header = ['row', 'email', 'display name', 'role', 'department', 'status', 'problems'];
  const body = rows.map((r) =>
    [String(r.row), r.email, r.displayName, r.role, r.department, r.status, r.problems.join(' ')].map(
      neutralise,
    ),
  );
  return stringify([header, ...body], { bom: true, record_delimiter: 'windows' });
}
