import type { SharedLimits } from '../scaling/sharedLimits.js';
import { RateLimiter } from './rateLimiter.js';

/**
 * The mails a stranger can trigger by typing someone's address: account mails, and invitations (anyone
 * can sign up, create a workspace and invite any address).
 */
export type MailKind = 'signup' | 'verify' | 'otp' | 'reset' | 'invite';

const HOUR_MS = 3_600_000;

/**
 * At most `perHour` mails of each kind to one address per hour, so nobody can flood a mailbox through
 * Tsudoi. In memory on one node; in Redis with several (REDIS_URL).
 */
export class MailThrottle {
  readonly #limiter: RateLimiter;

  constructor(
    readonly perHour: number,
    /** Several nodes: one count per address across them (Redis). */
    shared?: SharedLimits,
  ) {
    this.#limiter = new RateLimiter(perHour, HOUR_MS, shared ? { limits: shared, name: 'mail' } : undefined);
  }

  /** Counts one mail; 0 when it may be sent, else the milliseconds until the address may get another. */
  take(kind: MailKind, address: string, now: number): Promise<number> {
    return this.#limiter.take(`${kind}:${address.toLowerCase()}`, now);
  }
}
