// The mail outbox on PostgreSQL: senders on several hosts claim messages with FOR UPDATE SKIP LOCKED, so two
// never lease the same message; a sender that dies between SMTP's 250 and marking the message sent leaves a
// lease that runs out, and the next claim sends it again with the Message-ID it was given at enqueue time.
import type pg from 'pg';
import type { Outbox, OutboxMessage, OutboxStatus, OutgoingEmail } from '@testlab/core';

interface OutboxRow {
  id: number;
  dedupe_key: string;
  message_id: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

const STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'dead'];

export class PostgresOutbox implements Outbox {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async enqueue(email: OutgoingEmail, messageId: string): Promise<{ message: OutboxMessage; created: boolean }> {
    const now = this.#iso();
    const inserted = await this.pool.query<OutboxRow>(
      `INSERT INTO outbox (dedupe_key, message_id, recipient, subject, text_body, html_body, headers, status,
         attempts, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING *`,
      [email.dedupeKey, messageId, email.to, email.subject, email.text, email.html, JSON.stringify(email.headers), now],
    );
    if (inserted.rows[0]) return { message: toMessage(inserted.rows[0]), created: true };
    const { rows } = await this.pool.query<OutboxRow>('SELECT * FROM outbox WHERE dedupe_key = $1', [email.dedupeKey]);
    if (!rows[0]) throw new Error(`outbox message ${email.dedupeKey} vanished right after its insert`);
    return { message: toMessage(rows[0]), created: false };
  }

  async claim(owner: string, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
    if (!owner) throw new Error('outbox claim: owner must not be empty');
    if (!Number.isInteger(leaseMs) || leaseMs <= 0) throw new Error(`outbox claim: lease must be a positive number of ms, got ${leaseMs}`);
    if (!Number.isInteger(limit) || limit <= 0) throw new Error(`outbox claim: limit must be a positive integer, got ${limit}`);
    const now = this.now();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    // Due pending messages and lapsed leases, oldest first; one statement, rows locked as they are chosen.
    const { rows } = await this.pool.query<OutboxRow & { t: string }>(
      `UPDATE outbox o SET status = 'sending', lease_owner = $1, lease_until = $2, attempts = o.attempts + 1
       FROM (SELECT id, CASE WHEN status = 'pending' THEN next_attempt_at ELSE lease_until END AS t FROM outbox
             WHERE (status = 'pending' AND next_attempt_at <= $3) OR (status = 'sending' AND lease_until <= $3)
             ORDER BY t, id LIMIT $4 FOR UPDATE SKIP LOCKED) due
       WHERE o.id = due.id RETURNING o.*, due.t`,
      [owner, until, now.toISOString(), limit],
    );
    // RETURNING keeps no order: sort as chosen.
    return rows.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.id - b.id)).map(toMessage);
  }

  async markSent(id: number, owner: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE outbox SET status = 'sent', sent_at = $1, lease_owner = NULL, lease_until = NULL, last_error = NULL
       WHERE id = $2 AND status = 'sending' AND lease_owner = $3`,
      [this.#iso(), id, owner],
    );
    return (rowCount ?? 0) > 0;
  }

  async markFailed(id: number, owner: string, error: string, retryAt: Date | null): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE outbox SET status = $1, next_attempt_at = coalesce($2, next_attempt_at), last_error = $3,
         lease_owner = NULL, lease_until = NULL
       WHERE id = $4 AND status = 'sending' AND lease_owner = $5`,
      [retryAt ? 'pending' : 'dead', retryAt?.toISOString() ?? null, error.slice(0, 2000), id, owner],
    );
    return (rowCount ?? 0) > 0;
  }

  async getMessage(id: number): Promise<OutboxMessage | undefined> {
    const { rows } = await this.pool.query<OutboxRow>('SELECT * FROM outbox WHERE id = $1', [id]);
    return rows[0] && toMessage(rows[0]);
  }

  async listMessages(options: { status?: OutboxStatus; limit?: number } = {}): Promise<OutboxMessage[]> {
    const { status, limit = null } = options;
    if (status !== undefined && !STATUSES.includes(status)) throw new Error(`outbox: unknown status ${JSON.stringify(status)}`);
    if (limit !== null && limit !== -1 && (!Number.isInteger(limit) || limit < 0)) throw new Error(`outbox: limit must be a non-negative integer, got ${limit}`);
    const { rows } = await this.pool.query<OutboxRow>(
      'SELECT * FROM outbox WHERE ($1::text IS NULL OR status = $1) ORDER BY id LIMIT $2',
      [status ?? null, limit === -1 ? null : limit],
    );
    return rows.map(toMessage);
  }

  #iso(): string {
    return this.now().toISOString();
  }
}

function toMessage(r: OutboxRow): OutboxMessage {
  return {
    id: r.id,
    dedupeKey: r.dedupe_key,
    messageId: r.message_id,
    to: r.recipient,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    headers: JSON.parse(r.headers) as Record<string, string>,
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}
