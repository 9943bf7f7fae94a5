import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import type { Clock } from '../clock.js';
import type { Mailer, MailMessage } from '../mail/mailer.js';
import { MailQueue } from '../mail/mailQueue.js';
import type { SharedLimits } from '../scaling/sharedLimits.js';
import { type MailKind, MailThrottle } from './mailThrottle.js';

export interface AccountMailerDeps {
  mailer: Mailer;
  audit: AuditLog;
  clock: Clock;
  /** Mails of one kind to one address per hour (MAIL_PER_ADDRESS_PER_HOUR). */
  perHour: number;
  onError: (err: unknown, to: string) => void;
  /** Several nodes: the per-address counts live in Redis (one hour's budget across the nodes). */
  sharedLimits?: SharedLimits;
}

/**
 * Account mail with a per-address throttle: codes and links go out at most `perHour` times an hour per
 * kind and address; a throttled mail is recorded in the access log (anti-automation, ASVS V2).
 */
export class AccountMailer {
  readonly #throttle: MailThrottle;
  readonly #queue: MailQueue;

  constructor(private readonly d: AccountMailerDeps) {
    this.#throttle = new MailThrottle(d.perHour, d.sharedLimits);
    this.#queue = new MailQueue(d.mailer, d.onError);
  }

  /**
   * Counts one mail of `kind` to `to`: 0 when it may go now, else the milliseconds to wait (and the
   * refusal is logged). Counted for unknown addresses too, so both do the same work.
   */
  async take(
    kind: MailKind,
    to: string,
    userId: string | null,
    origin: RequestOrigin,
    workspaceId?: string,
  ): Promise<number> {
    const wait = await this.#throttle.take(kind, to, this.d.clock().getTime());
    if (wait > 0) {
      await this.d.audit.record(
        'auth.mail_throttled',
        origin,
        { userId, ...(workspaceId && { workspaceId }) },
        { kind },
      );
    }
    return wait;
  }

  /** Queues `message` unless its address had its share of `kind` this hour; the caller never waits for SMTP. */
  async later(kind: MailKind, userId: string | null, message: MailMessage, origin: RequestOrigin) {
    if ((await this.take(kind, message.to, userId, origin)) === 0) this.#queue.send(message);
  }

  /** Queues a mail whose share the caller already took (`take` answered 0); the caller never waits. */
  queue(message: MailMessage): void {
    this.#queue.send(message);
  }

  /** Queues a mail that is not throttled (notices that follow a proven identity or a lockout). */
  notice(message: MailMessage): void {
    this.#queue.send(message);
  }

  /** Sends now and waits (the user is identified and waits for this code). */
  send(message: MailMessage): Promise<void> {
    return this.d.mailer.send(message);
  }

  /** Resolves once every queued mail reached the SMTP server (or failed). */
  settled(): Promise<void> {
    return this.#queue.settled();
  }
}
