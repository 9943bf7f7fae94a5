import type { AccessLogEntry } from '@tsudoi/protocol';
import type { AccessLogEvent } from './accessLogRepo.js';

/** The keyset cursor of the viewer: base64url of `[at, id]` of a page's last entry (opaque to clients). */
export function encodeCursor(after: { at: string; id: string }): string {
  return Buffer.from(JSON.stringify([after.at, after.id])).toString('base64url');
}

/** The cursor back, or undefined when it is not one this server made (the route answers 400). */
export function decodeCursor(cursor: string): { at: string; id: string } | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [at, id] = v as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 100)
      return undefined;
    if (Number.isNaN(Date.parse(at)) || at.length > 40) return undefined;
    return { at, id };
  } catch {
    return undefined;
  }
}

/** Failures and refusals, as opposed to things that happened as asked. */
export function outcomeOf(type: string): AccessLogEntry['outcome'] {
  return type.startsWith('security.') ||
    type.endsWith('_failed') ||
    type === 'auth.lockout' ||
    type === 'auth.mail_throttled'
    ? 'failure'
    : 'success';
}

/** The admin's view of an event; `emails` resolves user ids that still exist. */
export function toEntry(e: AccessLogEvent, emails: ReadonlyMap<string, string | null>): AccessLogEntry {
  return {
    id: e.id,
    at: e.at,
    type: e.type,
    outcome: outcomeOf(e.type),
    userId: e.userId,
    userEmail: e.userId ? (emails.get(e.userId) ?? null) : null,
    ip: e.ip,
    userAgent: e.userAgent,
    detail: e.detail,
  };
}

/** The start of the downloadable window (R14: the last 2 years), from `now`. */
export function retentionStart(now: Date, years: number): string {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString();
}

/** The later of the filter's `from` and the start of the window. */
export function clampFrom(from: string | undefined, windowStart: string): string {
  return from && from > windowStart ? from : windowStart;
}
