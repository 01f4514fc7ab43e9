// Subscriptions and the mail outbox: what the results service keeps about who wants which emails, and the
// emails waiting to leave. Async for the same reason as LabStore: a networked store must fit behind them.

/** `regressions`: only runs that regressed against their baseline; `every-run`: every finished run. */
export type SubscriptionScope = 'regressions' | 'every-run';
export const SUBSCRIPTION_SCOPES: readonly SubscriptionScope[] = ['regressions', 'every-run'];

/** `immediate`: one email per matching run; `daily`: one digest per day of what matched. */
export type SubscriptionCadence = 'immediate' | 'daily';
export const SUBSCRIPTION_CADENCES: readonly SubscriptionCadence[] = ['immediate', 'daily'];

/** `pending` until the address owner follows the confirmation link (double opt-in). */
export type SubscriptionStatus = 'pending' | 'active' | 'unsubscribed';

/** What a subscriber wants to hear about. An empty list means "any". */
export interface SubscriptionFilter {
  /** Kernel streams: `mainline`, `stable`, `next`, or a release line such as `6.1`. */
  streams: string[];
  testsets: string[];
  /** Only cases whose id starts with this, e.g. `v6LC.2.`; empty for every case. */
  casePrefix: string;
  scope: SubscriptionScope;
  cadence: SubscriptionCadence;
}

export interface SubscriptionRecord extends SubscriptionFilter {
  id: number;
  /** Lower-cased, validated address. */
  email: string;
  status: SubscriptionStatus;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

/** One run a daily-digest subscriber is owed, kept until the digest for its day goes out. */
export interface DigestEntry {
  id: number;
  subscriptionId: number;
  /** UTC day, `YYYY-MM-DD`, the entry belongs to. */
  day: string;
  runId: number;
  /** JSON the digest template needs (the notify package owns its shape). */
  payload: string;
  createdAt: string;
}

export interface SubscriptionStore {
  createSubscription(s: { email: string } & SubscriptionFilter): Promise<SubscriptionRecord>;
  getSubscription(id: number): Promise<SubscriptionRecord | undefined>;
  /** pending -> active. Confirming twice is harmless; an unsubscribed one stays unsubscribed (undefined). */
  confirmSubscription(id: number): Promise<SubscriptionRecord | undefined>;
  /** Any status -> unsubscribed; undefined when there is no such subscription. */
  unsubscribe(id: number): Promise<SubscriptionRecord | undefined>;
  activeSubscriptions(): Promise<SubscriptionRecord[]>;
  /** How many subscriptions for this address were created at or after `since` (ISO): bounds confirmation mails. */
  countCreatedSince(email: string, since: string): Promise<number>;

  /** Idempotent on (subscription, run): a run reported twice is digested once. */
  addDigestEntry(e: Omit<DigestEntry, 'id' | 'createdAt'>): Promise<void>;
  /** Entries of days strictly before `beforeDay` not digested yet, oldest first. */
  dueDigestEntries(beforeDay: string): Promise<DigestEntry[]>;
  markDigested(ids: number[]): Promise<void>;
}

/** An email as the outbox keeps it: everything needed to send it again byte-for-byte in meaning. */
export interface OutgoingEmail {
  /** Makes enqueueing idempotent: the same key is one email, e.g. `regression:<sub>:<run>`. */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers: Record<string, string>;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead';

export interface OutboxMessage extends OutgoingEmail {
  id: number;
  /** Chosen at enqueue time and never changed, so every (re)send of this email carries the same one. */
  messageId: string;
  status: OutboxStatus;
  attempts: number;
  /** When a pending message may next be tried. */
  nextAttemptAt: string;
  /** Who holds the lease while `sending`, and until when. */
  leaseOwner: string | null;
  leaseUntil: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface Outbox {
  /** Inserts the email, or returns the one already queued under the same dedupe key. */
  enqueue(email: OutgoingEmail, messageId: string): Promise<{ message: OutboxMessage; created: boolean }>;
  /**
   * Leases up to `limit` messages for `owner`: pending ones that are due, and `sending` ones whose lease ran
   * out (their sender died between sending and marking). Each claim counts as an attempt.
   */
  claim(owner: string, leaseMs: number, limit: number): Promise<OutboxMessage[]>;
  /** False when `owner` no longer holds the lease (it expired and someone else claimed the message). */
  markSent(id: number, owner: string): Promise<boolean>;
  /** Back to pending until `retryAt`, or `dead` when retryAt is null (gave up). False when the lease was lost. */
  markFailed(id: number, owner: string, error: string, retryAt: Date | null): Promise<boolean>;
  getMessage(id: number): Promise<OutboxMessage | undefined>;
  listMessages(options?: { status?: OutboxStatus; limit?: number }): Promise<OutboxMessage[]>;
}
