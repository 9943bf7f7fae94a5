import { Email, IMPORT_LIMITS, type ImportFileProblem } from '@tsudoi/protocol';
import { CsvError, parse } from 'csv-parse/sync';
import { type CsvEncoding, decodeCsv } from './decodeCsv.js';

/** One data row as written, before it is checked against the workspace. */
export interface ImportRow {
  /** Row number in the spreadsheet: the header is row 1. */
  row: number;
  email: string;
  displayName: string;
  role: string;
  department: string;
}

export type ParsedImport =
  | { ok: true; encoding: CsvEncoding; rows: ImportRow[] }
  | { ok: false; problem: ImportFileProblem; detail?: string };

type Column = 'email' | 'displayName' | 'role' | 'department';

/** Header names, compared lower-cased without spaces, `_`, `-` or `・` (English and Japanese Excel sheets). */
const HEADERS: Record<string, Column> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  メールアドレス: 'email',
  メール: 'email',
  eメール: 'email',
  displayname: 'displayName',
  name: 'displayName',
  表示名: 'displayName',
  名前: 'displayName',
  氏名: 'displayName',
  role: 'role',
  役割: 'role',
  権限: 'role',
  ロール: 'role',
  department: 'department',
  dept: 'department',
  部署: 'department',
  所属: 'department',
};
const REQUIRED: readonly Column[] = ['email', 'displayName', 'role'];

const headerKey = (cell: string) =>
  cell
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-・]/g, '');

/**
 * Bytes of an uploaded file → its rows (R15). Pure: no workspace knowledge (see `validateImport`). Refuses
 * the file as a whole when it is not CSV, too large, has no header naming the required columns, or more
 * than `IMPORT_LIMITS.maxRows` data rows. Cells are kept as data: a cell starting with `=` is a name like
 * any other (neutralised only when written into the report).
 */
export function parseImportCsv(
  bytes: Uint8Array,
  limits: { maxBytes: number; maxRows: number } = IMPORT_LIMITS,
): ParsedImport {
  if (bytes.byteLength > limits.maxBytes) return { ok: false, problem: 'tooLarge' };
  const decoded = decodeCsv(bytes);
  if (!decoded.ok) return decoded;
  let records: string[][];
  try {
    records = parse(decoded.text, {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: 64 * 1024,
    });
  } catch (err) {
    if (err instanceof CsvError)
      return { ok: false, problem: 'malformed', detail: `line ${String(err.lines ?? '?')}` };
    throw err;
  }
  // Excel writes ",,," for rows that only look empty: those are not rows.
  const numbered = records
    .map((cells, i) => ({ cells, row: i + 1 }))
    .filter((r) => r.cells.some((c) => c !== ''));
  const [header, ...data] = numbered;
  if (!header) return { ok: false, problem: 'empty' };
  const index = new Map<Column, number>();
  header.cells.forEach((cell, i) => {
    const column = HEADERS[headerKey(cell)];
    if (column && !index.has(column)) index.set(column, i);
  });
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0) return { ok: false, problem: 'missingColumns', detail: missing.join(',') };
  if (data.length === 0) return { ok: false, problem: 'empty' };
  if (data.length > limits.maxRows) return { ok: false, problem: 'tooManyRows', detail: String(data.length) };
  const cell = (cells: string[], c: Column) => {
    const i = index.get(c);
    return i === undefined ? '' : (cells[i] ?? '');
  };
  return {
    ok: true,
    encoding: decoded.encoding,
    rows: data.map(({ cells, row }) => ({
      row,
      email: cell(cells, 'email'),
      displayName: cell(cells, 'displayName'),
      role: cell(cells, 'role'),
      department: cell(cells, 'department'),
    })),
  };
}

/** The address as an ID (trimmed, lower-cased), or undefined when it is not one. */
export function importEmail(raw: string): string | undefined {
  const r = Email.safeParse(raw);
  return r.success ? r.data : undefined;
}
