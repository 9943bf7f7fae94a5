import type { Mailer, MailMessage } from './mailer.js';

/**
 * Sends mail in the background, so that a request's answer and timing do not depend on whether a mail
 * went out (no account probing through latency). Failures are reported, never thrown at the caller.
 */
export class MailQueue {
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly mailer: Mailer,
    private readonly onError: (err: unknown, to: string) => void,
  ) {}

  /** Starts sending and returns at once. */
  send(message: MailMessage): void {
    const p: Promise<void> = this.mailer
      .send(message)
      .catch((err: unknown) => this.onError(err, message.to))
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  /** Resolves once every mail started so far was handed to the SMTP server (or failed). */
  async settled(): Promise<void> {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }
}
