// The mail settings of a lab, validated once at start-up so a typo fails loudly there and not at 3am when
// the first regression email is due.
import { z } from 'zod';
import { secretProblem } from './secret-strength.js';

const smtpSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /**
   * `implicit`: TLS from the first byte (port 465); `starttls`: plain connect, then STARTTLS is required;
   * `none`: no TLS at all, only sensible for a relay on loopback.
   */
  tls: z.enum(['implicit', 'starttls', 'none']).default('starttls'),
  auth: z.object({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  /** Off only for a relay with a self-signed certificate the operator trusts. */
  rejectUnauthorized: z.boolean().default(true),
}).superRefine((smtp, ctx) => {
  // A password in clear is for a relay on this host only; anywhere else it crosses a network.
  if (smtp.tls === 'none' && smtp.auth !== undefined && !isLoopback(smtp.host)) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth'],
      message: `the password would cross the network in clear (tls: none) to ${smtp.host}: use tls: starttls or implicit, or a relay on loopback`,
    });
  }
});

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(host);
}

const mailSettingsSchema = z.object({
  smtp: smtpSchema,
  /** The From address, e.g. `testlab <lab@example.org>`. */
  from: z.string().min(3).max(200).regex(/^[^\r\n]*@[^\r\n]*$/, 'must be an address (name <user@host> or user@host)'),
  /** Where the dashboard is reachable from a subscriber's mail client; every link in an email starts here. */
  baseUrl: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  /**
   * Signs confirmation and unsubscribe links: 32 random bytes; changing it invalidates links already sent.
   * Optional in the lab config, which then keeps a generated one in a mode-600 file (lab-config's mailConfigOf).
   */
  secret: z
    .string()
    .superRefine((secret, ctx) => {
      const problem = secretProblem(secret);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});

export type SmtpConfig = z.output<typeof smtpSchema>;
/** The mail section as written: the secret may be left to the lab. */
export type MailSettings = z.output<typeof mailSettingsSchema>;
/** What the notify service runs with: the secret is known. */
export type MailConfig = MailSettings & { secret: string };

export class InvalidConfigError extends Error {
  constructor(what: string, readonly problems: string[]) {
    super(`invalid ${what}: ${problems.join('; ')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Validates `input` (parsed YAML/JSON); throws InvalidConfigError naming every bad field. */
export function parseMailSettings(input: unknown): MailSettings {
  const r = mailSettingsSchema.safeParse(input);
  if (!r.success) throw new InvalidConfigError('mail config', describeIssues(r.error.issues));
  return r.data;
}

/** parseMailSettings for a config that must name its secret. */
export function parseMailConfig(input: unknown): MailConfig {
  const settings = parseMailSettings(input);
  if (settings.secret === undefined) throw new InvalidConfigError('mail config', ['secret: required']);
  return { ...settings, secret: settings.secret };
}

/** `smtp.port: Invalid input: expected number, received string`, one line per issue. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(top)'}: ${i.message}`);
}
