// Subscribing with double opt-in, confirming and unsubscribing through signed links.
import type { Outbox, SubscriptionRecord, SubscriptionStore } from '@testlab/core';
import type { EmailComposer } from './emails.js';
import { newMessageId } from './message-id.js';
import { checkLink, type LinkPurpose } from './signing.js';
import { parseSubscriptionRequest } from './subscription-request.js';

export type LinkOutcome =
  | { ok: true; subscription: SubscriptionRecord }
  /** The token does not match: a tampered or foreign link. */
  | { ok: false; reason: 'invalid-link' }
  /** Signed by us, but the subscription is gone (or, for confirm, unsubscribed since). */
  | { ok: false; reason: 'gone' }
  /** Signed by us, but past its expiry (links.ts: LINK_LIFETIME_DAYS). */
  | { ok: false; reason: 'expired' };

/** A link's query parameters as they arrive: subscription id, expiry (Unix seconds), token. */
export interface LinkQuery {
  s?: unknown;
  e?: unknown;
  t?: unknown;
}

export interface SubscriptionServiceOptions {
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  composer: EmailComposer;
  secret: string;
  /** The From address, for Message-IDs. */
  from: string;
  now?: () => Date;
}

/** Confirmation emails one address can be sent per 24 hours. */
export const CONFIRMATIONS_PER_DAY = 3;

export class SubscriptionService {
  readonly #now: () => Date;

  constructor(private readonly o: SubscriptionServiceOptions) {
    this.#now = o.now ?? (() => new Date());
  }

  /**
   * Validates the request (InvalidSubscriptionError), records a pending subscription and queues the
   * confirmation email. Returns without waiting for SMTP: the outbox worker sends it. An address that
   * already had CONFIRMATIONS_PER_DAY subscriptions made in the last day gets no further confirmation
   * (the form is a way to make the lab email anyone; the per-client rate limit alone does not stop a
   * crowd of clients aiming at one address). The caller answers the same either way.
   */
  async subscribe(input: unknown): Promise<{ subscription: SubscriptionRecord; confirmationQueued: boolean }> {
    const request = parseSubscriptionRequest(input);
    const since = new Date(this.#now().getTime() - 24 * 3600_000).toISOString();
    const recent = await this.o.subscriptions.countCreatedSince(request.email, since);
    const subscription = await this.o.subscriptions.createSubscription(request);
    if (recent >= CONFIRMATIONS_PER_DAY) return { subscription, confirmationQueued: false };
    await this.o.outbox.enqueue(this.o.composer.confirmation(subscription), newMessageId(this.o.from));
    return { subscription, confirmationQueued: true };
  }

  async confirm(link: LinkQuery): Promise<LinkOutcome> {
    return this.#withLink('confirm', link, (n) => this.o.subscriptions.confirmSubscription(n));
  }

  async unsubscribe(link: LinkQuery): Promise<LinkOutcome> {
    return this.#withLink('unsubscribe', link, (n) => this.o.subscriptions.unsubscribe(n));
  }

  /** For the page that asks "unsubscribe?" before the POST does it: checks the link, changes nothing. */
  async lookup(purpose: LinkPurpose, link: LinkQuery): Promise<LinkOutcome> {
    return this.#withLink(purpose, link, (n) => this.o.subscriptions.getSubscription(n));
  }

  async #withLink(purpose: LinkPurpose, link: LinkQuery, act: (id: number) => Promise<SubscriptionRecord | undefined>): Promise<LinkOutcome> {
    const id = link.s;
    const n = typeof id === 'string' && /^[1-9][0-9]{0,12}$/.test(id) ? Number(id) : typeof id === 'number' ? id : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) return { ok: false, reason: 'invalid-link' };
    const check = checkLink(this.o.secret, purpose, n, link.e, link.t, this.#now());
    if (check !== 'valid') return { ok: false, reason: check === 'expired' ? 'expired' : 'invalid-link' };
    const subscription = await act(n);
    return subscription ? { ok: true, subscription } : { ok: false, reason: 'gone' };
  }
}
