import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseImportCsv } from './parseImportCsv.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const withBom = (s: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(s)]);

describe('parseImportCsv: bytes → rows (R15)', () => {
  it('reads a Shift_JIS file as Japanese Excel saves it, with Japanese headers', () => {
    const text =
      'メールアドレス,表示名,役割,部署\r\nyamada@example.com,山田 太郎,管理者,営業部\r\nsuzuki@example.com,鈴木 花子,メンバー,開発部①\r\n';
    const bytes = iconv.encode(text, 'cp932');
    // Really Shift_JIS: not valid UTF-8, and 山 is 0x8E 0x52 there.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(bytes.includes(Buffer.from([0x8e, 0x52]))).toBe(true);
    const parsed = parseImportCsv(bytes);
    expect(parsed).toEqual({
      ok: true,
      encoding: 'shift_jis',
      rows: [
        {
          row: 2,
          email: 'yamada@example.com',
          displayName: '山田 太郎',
          role: '管理者',
          department: '営業部',
        },
        {
          row: 3,
          email: 'suzuki@example.com',
          displayName: '鈴木 花子',
          role: 'メンバー',
          department: '開発部①',
        },
      ],
    });
  });

  it('reads UTF-8 with a BOM (Excel "CSV UTF-8") and without one; 権限 names the role column too', () => {
    const text = '表示名,メールアドレス,権限\n佐藤,sato@example.com,member\n';
    for (const bytes of [withBom(text), utf8(text)]) {
      const parsed = parseImportCsv(bytes);
      expect(parsed).toMatchObject({ ok: true, encoding: 'utf-8' });
      // The BOM is not part of the first header name.
      expect(parsed.ok && parsed.rows).toEqual([
        { row: 2, email: 'sato@example.com', displayName: '佐藤', role: 'member', department: '' },
      ]);
    }
  });

  it('keeps quoted commas, quotes and newlines inside a cell, and formula-looking cells as data', () => {
    const text =
      'email,display name,role,department\n' +
      '"a@example.com","Doe, Jane",member,"R&D\nTokyo ""West"""\n' +
      `b@example.com,=cmd|' /C calc'!A0,member,@SUM(A1)\n`;
    const parsed = parseImportCsv(utf8(text));
    expect(parsed.ok && parsed.rows).toEqual([
      {
        row: 2,
        email: 'a@example.com',
        displayName: 'Doe, Jane',
        role: 'member',
        department: 'R&D\nTokyo "West"',
      },
      {
        row: 3,
        email: 'b@example.com',
        displayName: "=cmd|' /C calc'!A0",
        role: 'member',
        department: '@SUM(A1)',
      },
    ]);
  });

  it('skips rows Excel leaves as ",,," and takes a missing department as empty', () => {
    const parsed = parseImportCsv(utf8('Email,Display Name,Role\r\n,,\r\nc@example.com,C,admin\r\n,,,\r\n'));
    expect(parsed.ok && parsed.rows).toEqual([
      { row: 3, email: 'c@example.com', displayName: 'C', role: 'admin', department: '' },
    ]);
  });

  it('refuses what is not CSV: binary (xlsx, UTF-16), broken bytes, broken quoting', () => {
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);
    expect(parseImportCsv(xlsx)).toEqual({ ok: false, problem: 'notCsv' });
    const utf16 = new Uint8Array([0xff, 0xfe, ...iconv.encode('email\tname\n', 'utf16le')]);
    expect(parseImportCsv(utf16)).toEqual({ ok: false, problem: 'notCsv' });
    expect(parseImportCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x65, 0xff, 0xfe]))).toEqual({
      ok: false,
      problem: 'badEncoding',
    });
    expect(parseImportCsv(new Uint8Array([0x65, 0x2c, 0xff, 0xff, 0x0a]))).toEqual({
      ok: false,
      problem: 'badEncoding',
    });
    expect(parseImportCsv(utf8('email,display name,role\n"a@example.com,A,member\n'))).toMatchObject({
      ok: false,
      problem: 'malformed',
    });
  });

  it('refuses a file without the required columns, without data rows, or over the limits', () => {
    expect(parseImportCsv(utf8('email,department\na@example.com,x\n'))).toEqual({
      ok: false,
      problem: 'missingColumns',
      detail: 'displayName,role',
    });
    expect(parseImportCsv(utf8('email,display name,role\n'))).toEqual({ ok: false, problem: 'empty' });
    expect(parseImportCsv(utf8(''))).toEqual({ ok: false, problem: 'empty' });
    const rows = (n: number) =>
      utf8(
        `email,name,role\n${Array.from({ length: n }, (_, i) => `u${i}@example.com,U${i},member`).join('\n')}`,
      );
    const limits = { maxBytes: 1_048_576, maxRows: 5 };
    expect(parseImportCsv(rows(5), limits)).toMatchObject({ ok: true });
    expect(parseImportCsv(rows(6), limits)).toEqual({ ok: false, problem: 'tooManyRows', detail: '6' });
    expect(parseImportCsv(rows(5), { maxBytes: 40, maxRows: 5 })).toEqual({ ok: false, problem: 'tooLarge' });
  });
});
