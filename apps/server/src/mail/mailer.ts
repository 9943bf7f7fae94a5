import type { Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail. The only implementation speaks SMTP; tests point it at a real SMTP server on loopback. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** A mailer over SMTP (`smtp://` or `smtps://` URL). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  // nodemailer loads with the first mail rather than at start-up (R21: restart downtime).
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(smtpUrl),
    ));
  return {
    async send(m) {
      await (await open()).sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
    close() {
      transport?.then(
        (t) => t.close(),
        () => {},
      );
    },
  };
}
