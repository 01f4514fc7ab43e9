// Sends one outbox message over SMTP with nodemailer, with the Message-ID the outbox chose for it.
import nodemailer from 'nodemailer';
import type { OutboxMessage } from '@testlab/core';
import type { MailConfig } from './config.js';

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects with the server's or the socket's error. */
  send(message: OutboxMessage): Promise<void>;
  close(): void;
}

/**
 * Timeouts bound one attempt well below the outbox lease (DEFAULT_LEASE_MS), so a hung server cannot keep
 * a message leased while another sender, seeing the lease run out, sends it a second time.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 } as const;

export function smtpMailer(config: Pick<MailConfig, 'smtp' | 'from'>): Mailer {
  const { smtp } = config;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
    tls: { rejectUnauthorized: smtp.rejectUnauthorized },
    ...SMTP_TIMEOUTS,
  });
  return {
    async send(m) {
      await transport.sendMail({
        from: config.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: m.headers,
        messageId: m.messageId,
      });
    },
    close: () => transport.close(),
  };
}
