import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on 127.0.0.1 for tests: collects parsed messages and lets a test wait for one. */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  readonly #waiters: Array<() => void> = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _s, cb) {
        simpleParser(stream)
          .then((m) => {
            const to = Array.isArray(m.to) ? m.to.map((a) => a.text).join(', ') : (m.to?.text ?? '');
            sink?.messages.push({ to, subject: m.subject ?? '', text: m.text ?? '' });
            for (const w of sink ? sink.#waiters.splice(0) : []) w();
            cb();
          })
          .catch(cb);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    sink = new SmtpSink(server, (server.server.address() as AddressInfo).port);
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Waits for the first message to `to` matching `pattern`, received after `since` messages. */
  async waitFor(to: string, pattern: RegExp, since = 0, timeoutMs = 5000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages
        .slice(since)
        .find((m) => m.to.includes(to) && pattern.test(`${m.subject}\n${m.text}`));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail to ${to} matching ${pattern} in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The 6-digit code in the newest sign-in mail to `to`. */
  async otpFor(to: string, since = 0): Promise<string> {
    const m = await this.waitFor(to, /\b\d{6}\b/, since);
    return m.text.match(/\b(\d{6})\b/)![1]!;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
