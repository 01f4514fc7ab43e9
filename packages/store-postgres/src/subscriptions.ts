// SubscriptionStore on PostgreSQL (tables of migration 4): double opt-in states and the daily-digest backlog.
import type pg from 'pg';
import type {
  DigestEntry,
  SubscriptionCadence,
  SubscriptionFilter,
  SubscriptionRecord,
  SubscriptionScope,
  SubscriptionStatus,
  SubscriptionStore,
} from '@testlab/core';

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

export class PostgresSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createSubscription(s: { email: string } & SubscriptionFilter): Promise<SubscriptionRecord> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      `INSERT INTO subscriptions (email, streams, testsets, case_prefix, scope, cadence, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING *`,
      [s.email.toLowerCase(), JSON.stringify(s.streams), JSON.stringify(s.testsets), s.casePrefix, s.scope, s.cadence, this.#iso()],
    );
    return toSubscription(rows[0]!);
  }

  async getSubscription(id: number): Promise<SubscriptionRecord | undefined> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE id = $1', [id]);
    return rows[0] && toSubscription(rows[0]);
  }

  async confirmSubscription(id: number): Promise<SubscriptionRecord | undefined> {
    // Only pending -> active: a stale confirmation link must not bring back someone who unsubscribed.
    const { rows } = await this.pool.query<SubscriptionRow>(
      `UPDATE subscriptions SET status = 'active', confirmed_at = coalesce(confirmed_at, $1)
       WHERE id = $2 AND status IN ('pending', 'active') RETURNING *`,
      [this.#iso(), id],
    );
    return rows[0] && toSubscription(rows[0]);
  }

  async unsubscribe(id: number): Promise<SubscriptionRecord | undefined> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      `UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = coalesce(unsubscribed_at, $1) WHERE id = $2 RETURNING *`,
      [this.#iso(), id],
    );
    return rows[0] && toSubscription(rows[0]);
  }

  async activeSubscriptions(): Promise<SubscriptionRecord[]> {
    const { rows } = await this.pool.query<SubscriptionRow>(`SELECT * FROM subscriptions WHERE status = 'active' ORDER BY id`);
    return rows.map(toSubscription);
  }

  async countCreatedSince(email: string, since: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*) AS n FROM subscriptions WHERE email = $1 AND created_at >= $2',
      [email.toLowerCase(), since],
    );
    return rows[0]?.n ?? 0;
  }

  async addDigestEntry(e: Omit<DigestEntry, 'id' | 'createdAt'>): Promise<void> {
    if (!DAY.test(e.day)) throw new Error(`digest entry: day must be YYYY-MM-DD, got ${JSON.stringify(e.day)}`);
    await this.pool.query(
      `INSERT INTO digest_entries (subscription_id, day, run_id, payload, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (subscription_id, run_id) DO NOTHING`,
      [e.subscriptionId, e.day, e.runId, e.payload, this.#iso()],
    );
  }

  async dueDigestEntries(beforeDay: string): Promise<DigestEntry[]> {
    if (!DAY.test(beforeDay)) throw new Error(`dueDigestEntries: day must be YYYY-MM-DD, got ${JSON.stringify(beforeDay)}`);
    const { rows } = await this.pool.query<DigestRow>(
      `SELECT * FROM digest_entries WHERE digested_at IS NULL AND day < $1 ORDER BY subscription_id, day, id`,
      [beforeDay],
    );
    return rows.map((r) => ({ id: r.id, subscriptionId: r.subscription_id, day: r.day, runId: r.run_id, payload: r.payload, createdAt: r.created_at }));
  }

  async markDigested(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query('UPDATE digest_entries SET digested_at = $1 WHERE id = ANY($2::bigint[]) AND digested_at IS NULL', [this.#iso(), ids]);
  }

  #iso(): string {
    return this.now().toISOString();
  }
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
