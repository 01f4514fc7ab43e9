// Signed links: confirmation and unsubscribe links carry an HMAC of what they do and for which
// subscription, so nobody can unsubscribe (or confirm) someone else by guessing ids.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'confirm' | 'unsubscribe';

export function signLink(secret: string, purpose: LinkPurpose, subscriptionId: number): string {
  // The version tag lets a future link format coexist with links already in mailboxes.
  return createHmac('sha256', secret).update(`testlab/${purpose}/v1/${subscriptionId}`).digest('base64url');
}

/** Constant-time check of a token from a URL; anything malformed is simply not valid. */
export function verifyLink(secret: string, purpose: LinkPurpose, subscriptionId: number, token: unknown): boolean {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const expected = Buffer.from(signLink(secret, purpose, subscriptionId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
