import { randomBytes } from 'node:crypto';

/**
 * Message ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter (method 1 of
 * section 6.2), then 62 random bits. Messages are ordered by `(sentAt, id)` on every engine, so two
 * messages sent in the same millisecond list in the order they were made: within one process the ids
 * only grow — the counter steps within a millisecond, and a clock that goes back (or a counter that runs
 * out) keeps the last timestamp and borrows the next one. Ids made on two servers in the same millisecond
 * are ordered by their random bits, which is as good as any order for messages that were concurrent.
 */
export class MessageIdGenerator {
  #lastMs = -1;
  #counter = 0;

  /** The next id for a message sent at `nowMs` (the sender's clock). */
  next(nowMs: number): string {
    if (nowMs > this.#lastMs) {
      this.#lastMs = nowMs;
      // Start low in the counter's range so thousands of ids fit in one millisecond before borrowing.
      this.#counter = randomBytes(1)[0] ?? 0;
    } else if (++this.#counter > 0xfff) {
      this.#lastMs += 1;
      this.#counter = 0;
    }
    return format(this.#lastMs, this.#counter);
  }
}

function format(ms: number, counter: number): string {
  const b = randomBytes(16);
  const hi = Math.floor(ms / 2 ** 16);
  b.writeUInt32BE(hi >>> 0, 0);
  b.writeUInt16BE(ms % 2 ** 16, 4);
  b.writeUInt16BE(0x7000 | counter, 6);
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The process-wide generator, so ids stay monotonic across every caller in this process. */
export const messageIds = new MessageIdGenerator();
