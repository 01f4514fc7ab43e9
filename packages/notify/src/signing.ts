// Signed links: confirmation and unsubscribe links carry an HMAC of what they do, for which subscription and
// until when, so nobody can unsubscribe (or confirm) someone else by guessing ids, and a link found in an
// old mailbox or a proxy's log stops working.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'confirm' | 'unsubscribe';

/** `expires`: Unix seconds. */
export function signLink(secret: string, purpose: LinkPurpose, subscriptionId: number, expires: number): string {
  // v2: the expiry is signed too; v1 links (without one) are no longer accepted.
  return createHmac('sha256', secret).update(`testlab/${purpose}/v2/${subscriptionId}/${expires}`).digest('base64url');
}

export type LinkCheck = 'valid' | 'invalid' | 'expired';

/**
 * Constant-time check of a link's expiry and token from a URL; anything malformed is simply invalid. A link
 * is `expired` only when its signature holds: an expiry cannot be forged, nor extended.
 */
export function checkLink(secret: string, purpose: LinkPurpose, subscriptionId: number, expires: unknown, token: unknown, now: Date): LinkCheck {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return 'invalid';
  if (typeof expires !== 'string' || !/^[1-9][0-9]{0,11}$/.test(expires)) return 'invalid';
  const expected = Buffer.from(signLink(secret, purpose, subscriptionId, Number(expires)));
  const given = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return Number(expires) * 1000 < now.getTime() ? 'expired' : 'valid';
}
