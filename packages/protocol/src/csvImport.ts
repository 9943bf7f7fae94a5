/**
 * CSV user import (R15, Enterprise): an admin uploads a CSV (raw body, `content-type: text/csv`), sees a
 * per-row preview, then applies it as one all-or-nothing unit that sends invitations (no initial passwords);
 * in a workspace that requires SSO, a new address becomes a member at once (an SSO-only account: no
 * password, it signs in through the company's IdP).
 */

/** Bounds of one uploaded file. */
export const IMPORT_LIMITS = { maxBytes: 1_048_576, maxRows: 5_000 } as const;

/** Why one row cannot be imported; stable, named by the UI in ja/en and written into the report. */
export const IMPORT_ROW_PROBLEMS = [
  'badEmail',
  'missingDisplayName',
  'displayNameTooLong',
  'departmentTooLong',
  'unknownRole',
  'duplicateInFile',
  'alreadyMember',
  'alreadyInvited',
  'overMemberLimit',
] as const;
export type ImportRowProblem = (typeof IMPORT_ROW_PROBLEMS)[number];

/** Why a whole file is refused: `CSV_INVALID` with `fields.file` set to one of these. */
export const IMPORT_FILE_PROBLEMS = [
  'notCsv',
  'badEncoding',
  'tooLarge',
  'empty',
  'malformed',
  'missingColumns',
  'tooManyRows',
] as const;
export type ImportFileProblem = (typeof IMPORT_FILE_PROBLEMS)[number];

/** One data row as read and checked; `row` is its row number in the spreadsheet (the header is row 1). */
export interface ImportRowResult {
  row: number;
  email: string;
  displayName: string;
  /** The role as it will be given, or the cell as written when it names no role. */
  role: string;
  department: string;
  problems: ImportRowProblem[];
  /**
   * After an applied import: `invited` (an invitation mailed) or `member` (an SSO-only member created:
   * the workspace requires SSO and the address had no account).
   */
  status: 'ok' | 'invalid' | 'invited' | 'member';
}

/** `POST /api/workspaces/:id/imports/preview`: nothing is written. */
export interface ImportPreview {
  encoding: 'utf-8' | 'shift_jis';
  rows: ImportRowResult[];
  valid: number;
  invalid: number;
  /** The per-row report as CSV text (UTF-8 with BOM, formula-looking cells neutralised). */
  report: string;
}

/** `POST /api/workspaces/:id/imports`: every invitation was created (`applied`) or none. */
export interface ImportResult extends ImportPreview {
  importId: string;
  applied: boolean;
  invited: number;
  /** SSO-only members created (workspaces that require SSO). */
  members: number;
}
