import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { AccessLogEntry } from '@tsudoi/protocol';
import { stringify } from 'csv-stringify';

/** The CSV columns, in order; times are UTC ISO-8601. */
export const CSV_COLUMNS = [
  'time_utc',
  'type',
  'outcome',
  'user_id',
  'user_email',
  'ip',
  'user_agent',
  'detail',
] as const;

const row = (e: AccessLogEntry): string[] => [
  e.at,
  e.type,
  e.outcome,
  e.userId ?? '',
  e.userEmail ?? '',
  e.ip ?? '',
  e.userAgent ?? '',
  Object.keys(e.detail).length ? JSON.stringify(e.detail) : '',
];

/**
 * Entries as a CSV byte stream for Excel and any RFC 4180 reader: UTF-8 with a BOM, CRLF records, fields
 * quoted when they hold a quote, comma or line break (csv-stringify), and cells that a spreadsheet would
 * run as a formula (starting with = + - @, tab or CR, also their full-width forms) prefixed with `'`.
 * The source is pulled only as fast as the consumer reads (stream back-pressure), one page at a time, so
 * memory stays flat however many entries there are. `onEnd` learns how it ended (an error, a client gone).
 */
export function accessLogCsv(
  pages: AsyncIterable<AccessLogEntry[]>,
  onEnd: (err: unknown) => void = () => {},
): Readable {
  const out = stringify({
    bom: true,
    header: true,
    columns: [...CSV_COLUMNS],
    record_delimiter: 'windows',
    escape_formulas: true,
  });
  // Rows go in a page at a time (no promise per row); when the stringifier's buffer is full the next
  // page is not read until the consumer drained it.
  const feed = async () => {
    for await (const page of pages) {
      if (out.destroyed) throw new Error('the download was closed');
      let room = true;
      for (const e of page) room = out.write(row(e));
      if (!room) await drainedOrClosed(out);
    }
    out.end();
  };
  feed().then(
    () => finished(out).then(() => onEnd(undefined), onEnd),
    (err) => {
      out.destroy(err);
      onEnd(err);
    },
  );
  return out;
}

/** Resolves when `stream` can take more, or was closed (the client went away: the loop then stops). */
function drainedOrClosed(stream: Readable & { once(e: 'drain', f: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}
