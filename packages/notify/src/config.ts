// The mail settings of a lab, validated once at start-up so a typo fails loudly there and not at 3am when
// the first regression email is due.
import { z } from 'zod';

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
});

const mailConfigSchema = z.object({
  smtp: smtpSchema,
  /** The From address, e.g. `testlab <lab@example.org>`. */
  from: z.string().min(3).max(200).regex(/^[^\r\n]*@[^\r\n]*$/, 'must be an address (name <user@host> or user@host)'),
  /** Where the dashboard is reachable from a subscriber's mail client; every link in an email starts here. */
  baseUrl: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  /** Signs confirmation and unsubscribe links. Long and random; changing it invalidates links already sent. */
  secret: z.string().min(32, 'must be at least 32 characters'),
});

export type SmtpConfig = z.output<typeof smtpSchema>;
export type MailConfig = z.output<typeof mailConfigSchema>;

export class InvalidConfigError extends Error {
  constructor(what: string, readonly problems: string[]) {
    super(`invalid ${what}: ${problems.join('; ')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Validates `input` (parsed YAML/JSON); throws InvalidConfigError naming every bad field. */
export function parseMailConfig(input: unknown): MailConfig {
  const r = mailConfigSchema.safeParse(input);
  if (!r.success) throw new InvalidConfigError('mail config', describeIssues(r.error.issues));
  return r.data;
}

/** `smtp.port: Invalid input: expected number, received string`, one line per issue. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(top)'}: ${i.message}`);
}
