import type { ImportFileProblem } from '@tsudoi/protocol';
import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'shift_jis';

export type Decoded =
  | { ok: true; text: string; encoding: CsvEncoding }
  | { ok: false; problem: ImportFileProblem };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The text of an uploaded CSV: UTF-8 (with or without BOM), else Shift_JIS as Japanese Excel saves it
 * (Windows code page 932, which adds NEC/IBM characters such as ① and ㈱ to JIS X 0208). Bytes that are
 * valid UTF-8 are read as UTF-8: a Shift_JIS file of Japanese text is almost never valid UTF-8. A NUL byte
 * means a binary file (an .xlsx, a UTF-16 "Unicode text" export): not CSV.
 */
export function decodeCsv(bytes: Uint8Array): Decoded {
  if (bytes.includes(0)) return { ok: false, problem: 'notCsv' };
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b);
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // A BOM promised UTF-8: broken bytes after it are not guessed at.
    if (bom) return { ok: false, problem: 'badEncoding' };
  }
  const text = iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), 'cp932');
  // iconv-lite puts U+FFFD for bytes that are not CP932 either.
  if (text.includes('\uFFFD')) return { ok: false, problem: 'badEncoding' };
  return { ok: true, text, encoding: 'shift_jis' };
}
