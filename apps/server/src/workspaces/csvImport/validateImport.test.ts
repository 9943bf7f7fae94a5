import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { importReportCsv, neutralise } from './importReport.js';
import type { ImportRow } from './parseImportCsv.js';
import { validateImport } from './validateImport.js';

const row = (
  n: number,
  email: string,
  role = 'member',
  displayName = `P${n}`,
  department = '',
): ImportRow => ({
  row: n,
  email,
  displayName,
  role,
  department,
});
const none = { members: new Set<string>(), invited: new Set<string>(), seats: 100 };

describe('validateImport: per-row problems (R15)', () => {
  it('names each problem with a stable code; valid rows are ok', () => {
    const results = validateImport(
      [
        row(2, 'Good@Example.com', '管理者'),
        row(3, 'not-an-email'),
        row(4, 'x@example.com', 'owner'),
        row(5, 'y@example.com', 'member', ''),
        row(6, 'z@example.com', 'member', 'n'.repeat(61)),
        row(7, 'w@example.com', 'ＡＤＭＩＮ'),
      ],
      none,
    );
    expect(results.map((r) => [r.row, r.email, r.role, r.status, r.problems])).toEqual([
      [2, 'good@example.com', 'admin', 'ok', []],
      [3, 'not-an-email', 'member', 'invalid', ['badEmail']],
      [4, 'x@example.com', 'owner', 'invalid', ['unknownRole']],
      [5, 'y@example.com', 'member', 'invalid', ['missingDisplayName']],
      [6, 'z@example.com', 'member', 'invalid', ['displayNameTooLong']],
      [7, 'w@example.com', 'admin', 'ok', []],
    ]);
  });

  it('marks later rows with an address already in the file, whatever its case', () => {
    const results = validateImport(
      [row(2, 'a@example.com'), row(3, 'b@example.com'), row(4, 'A@example.com')],
      none,
    );
    expect(results.map((r) => r.problems)).toEqual([[], [], ['duplicateInFile']]);
  });

  it('marks members and pending invitations of the workspace', () => {
    const ctx = { members: new Set(['m@example.com']), invited: new Set(['i@example.com']), seats: 10 };
    const results = validateImport(
      [row(2, 'M@example.com'), row(3, 'i@example.com'), row(4, 'n@example.com')],
      ctx,
    );
    expect(results.map((r) => r.problems)).toEqual([['alreadyMember'], ['alreadyInvited'], []]);
  });

  it('marks the valid rows past the last free seat of the plan, in file order', () => {
    const ctx = { ...none, seats: 2 };
    const results = validateImport(
      [row(2, 'a@example.com'), row(3, 'bad'), row(4, 'b@example.com'), row(5, 'c@example.com')],
      ctx,
    );
    expect(results.map((r) => r.problems)).toEqual([[], ['badEmail'], [], ['overMemberLimit']]);
  });
});

describe('importReportCsv', () => {
  it('is UTF-8 with a BOM, quotes per RFC 4180 and neutralises formula-looking cells', () => {
    const [result] = validateImport(
      [row(2, 'a@example.com', 'member', "=cmd|' /C calc'!A0", 'Sales, "East"\n2F')],
      none,
    );
    const csv = importReportCsv([result!]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const parsed = parse(csv, { bom: true });
    expect(parsed).toEqual([
      ['row', 'email', 'display name', 'role', 'department', 'status', 'problems'],
      ['2', 'a@example.com', "'=cmd|' /C calc'!A0", 'member', 'Sales, "East"\n2F', 'ok', ''],
    ]);
    for (const cell of ['=1+1', '+1', '-1', '@x', '\tx', '\rx']) expect(neutralise(cell)).toBe(`'${cell}`);
    expect(neutralise('山田')).toBe('山田');
  });
});
