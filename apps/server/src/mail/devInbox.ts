import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface InboxMessage {
  id: number;
  to: string;
  subject: string;
  text: string;
  receivedAt: string;
}

/**
 * Development only: a real SMTP server on 127.0.0.1 that keeps the last messages in memory, so that a
 * newcomer can sign in (and read one-time codes) with no mail server. Shown at /dev/inbox.
 */
export class DevInbox {
  readonly messages: InboxMessage[] = [];
  #nextId = 1;
  readonly #server: SMTPServer;

  private constructor(
    readonly port: number,
    server: SMTPServer,
  ) {
    this.#server = server;
  }

  static async start(keep = 200): Promise<DevInbox> {
    let inbox: DevInbox | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        // Loaded with the first mail, not at start-up (it is the slowest module the server loads).
        import('mailparser')
          .then(({ simpleParser }) => simpleParser(stream))
          .then((mail) => {
            const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
            inbox?.messages.unshift({
              id: inbox.#nextId++,
              to,
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              receivedAt: new Date().toISOString(),
            });
            if (inbox && inbox.messages.length > keep) inbox.messages.length = keep;
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.server.address() as AddressInfo;
    inbox = new DevInbox(port, server);
    return inbox;
  }

  get smtpUrl(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
