// SubscriptionStore on the lab's SQLite file (tables of migration 4). Shares the LabStore's connection:
// better-sqlite3 is synchronous, so one connection per process serves both without interleaving.
import type Database from 'better-sqlite3';
import type {
  DigestEntry,
  SubscriptionCadence,
  SubscriptionFilter,
  SubscriptionRecord,
  SubscriptionScope,
  SubscriptionStatus,
  SubscriptionStore,
} from '@testlab/core';
import type { SqliteStore } from './store.js';

interface SubscriptionRow {
  id: number;
  email: string;
  streams: string;
  testsets: string;
  case_prefix: string;
  scope: string;
  cadence: string;
  status: string;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

interface DigestRow {
  id: number;
  subscription_id: number;
  day: string;
  run_id: number;
  payload: string;
  created_at: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class SqliteSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createSubscription(s: { email: string } & SubscriptionFilter): Promise<SubscriptionRecord> {
    const row = this.db
      .prepare<unknown[], SubscriptionRow>(
        `INSERT INTO subscriptions (email, streams, testsets, case_prefix, scope, cadence, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING *`,
      )
      .get(s.email.toLowerCase(), JSON.stringify(s.streams), JSON.stringify(s.testsets), s.casePrefix, s.scope, s.cadence, this.#iso());
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return toSubscription(row);
  }

  async getSubscription(id: number): Promise<SubscriptionRecord | undefined> {
    const row = this.db.prepare<[number], SubscriptionRow>('SELECT * FROM subscriptions WHERE id = ?').get(id);
    return row && toSubscription(row);
  }

  async confirmSubscription(id: number): Promise<SubscriptionRecord | undefined> {
    // Only pending -> active: a stale confirmation link must not bring back someone who unsubscribed.
    const row = this.db
      .prepare<unknown[], SubscriptionRow>(
        `UPDATE subscriptions SET status = 'active', confirmed_at = coalesce(confirmed_at, ?)
         WHERE id = ? AND status IN ('pending', 'active') RETURNING *`,
      )
      .get(this.#iso(), id);
    return row && toSubscription(row);
  }

  async unsubscribe(id: number): Promise<SubscriptionRecord | undefined> {
    const row = this.db
      .prepare<unknown[], SubscriptionRow>(
        `UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = coalesce(unsubscribed_at, ?)
         WHERE id = ? RETURNING *`,
      )
      .get(this.#iso(), id);
    return row && toSubscription(row);
  }

  async activeSubscriptions(): Promise<SubscriptionRecord[]> {
    return this.db
      .prepare<[], SubscriptionRow>(`SELECT * FROM subscriptions WHERE status = 'active' ORDER BY id`)
      .all()
      .map(toSubscription);
  }

  async countCreatedSince(email: string, since: string): Promise<number> {
    const row = this.db
      .prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM subscriptions WHERE email = ? AND created_at >= ?')
      .get(email.toLowerCase(), since);
    return row?.n ?? 0;
  }

  async addDigestEntry(e: Omit<DigestEntry, 'id' | 'createdAt'>): Promise<void> {
    if (!DAY.test(e.day)) throw new Error(`digest entry: day must be YYYY-MM-DD, got ${JSON.stringify(e.day)}`);
    this.db
      .prepare(
        `INSERT INTO digest_entries (subscription_id, day, run_id, payload, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (subscription_id, run_id) DO NOTHING`,
      )
      .run(e.subscriptionId, e.day, e.runId, e.payload, this.#iso());
  }

  async dueDigestEntries(beforeDay: string): Promise<DigestEntry[]> {
    if (!DAY.test(beforeDay)) throw new Error(`dueDigestEntries: day must be YYYY-MM-DD, got ${JSON.stringify(beforeDay)}`);
    return this.db
      .prepare<[string], DigestRow>(
        `SELECT * FROM digest_entries WHERE digested_at IS NULL AND day < ? ORDER BY subscription_id, day, id`,
      )
      .all(beforeDay)
      .map((r) => ({
        id: r.id,
        subscriptionId: r.subscription_id,
        day: r.day,
        runId: r.run_id,
        payload: r.payload,
        createdAt: r.created_at,
      }));
  }

  async markDigested(ids: number[]): Promise<void> {
    const mark = this.db.prepare('UPDATE digest_entries SET digested_at = ? WHERE id = ? AND digested_at IS NULL');
    const now = this.#iso();
    this.db.transaction(() => ids.forEach((id) => mark.run(now, id)))();
  }

  #iso(): string {
    return this.now().toISOString();
  }
}

/** The subscriptions of the lab database `store` has open (same connection, same clock if given). */
export function subscriptionStoreOn(store: SqliteStore, now?: () => Date): SqliteSubscriptionStore {
  return new SqliteSubscriptionStore(store.database, now);
}

function toSubscription(r: SubscriptionRow): SubscriptionRecord {
  return {
    id: r.id,
    email: r.email,
    streams: JSON.parse(r.streams) as string[],
    testsets: JSON.parse(r.testsets) as string[],
    casePrefix: r.case_prefix,
    scope: r.scope as SubscriptionScope,
    cadence: r.cadence as SubscriptionCadence,
    status: r.status as SubscriptionStatus,
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    unsubscribedAt: r.unsubscribed_at,
  };
}
