// Validates a subscription request from the dashboard form (comma-separated strings) or the API/CLI
// (arrays), so both get the same rules and the same messages.
import { z } from 'zod';
import { SUBSCRIPTION_CADENCES, SUBSCRIPTION_SCOPES, type SubscriptionFilter } from '@testlab/core';
import { describeIssues } from './config.js';
import { STREAM_NAME } from './streams.js';

export class InvalidSubscriptionError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid subscription: ${problems.join('; ')}`);
    this.name = 'InvalidSubscriptionError';
  }
}

// "a, b,,c" and ["a","b"] both become a list; blanks are dropped, duplicates kept once.
const list = (item: z.ZodString, what: string) =>
  z
    .union([z.string().max(1000), z.array(z.string().max(100)).max(50)])
    .optional()
    .transform((v) => [...new Set((Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(item).max(50, `at most 50 ${what}`));

const requestSchema = z.object({
  email: z
    .string()
    .trim()
    .max(254)
    .transform((s) => s.toLowerCase())
    .pipe(z.email('must be an email address')),
  streams: list(z.string().regex(STREAM_NAME, 'must be mainline, stable, next, a stable line such as stable-6.1, or a release line such as 6.1'), 'streams'),
  testsets: list(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a test set name such as phase2-host'), 'test sets'),
  casePrefix: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{0,64}$/, 'may hold only letters, digits, dots, dashes and underscores (at most 64)')
    .optional()
    .transform((v) => v ?? ''),
  scope: z.enum(SUBSCRIPTION_SCOPES as [string, ...string[]]).default('regressions'),
  cadence: z.enum(SUBSCRIPTION_CADENCES as [string, ...string[]]).default('immediate'),
});

export type SubscriptionRequest = { email: string } & SubscriptionFilter;

export function parseSubscriptionRequest(input: unknown): SubscriptionRequest {
  const r = requestSchema.safeParse(input);
  if (!r.success) throw new InvalidSubscriptionError(describeIssues(r.error.issues));
  return r.data as SubscriptionRequest;
}
