// The mail outbox on the lab's SQLite file (table of migration 4): a claim/lease queue. A sender leases
// messages, sends, then marks them sent; if it dies in between, the lease runs out and the message is
// claimed again with the Message-ID it was given at enqueue time.
import type Database from 'better-sqlite3';
import type { Outbox, OutboxMessage, OutboxStatus, OutgoingEmail } from '@testlab/core';
import type { SqliteStore } from './store.js';

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

export class SqliteOutbox implements Outbox {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async enqueue(email: OutgoingEmail, messageId: string): Promise<{ message: OutboxMessage; created: boolean }> {
    const tx = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO outbox (dedupe_key, message_id, recipient, subject, text_body, html_body, headers, status,
             attempts, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
        )
        .run(email.dedupeKey, messageId, email.to, email.subject, email.text, email.html, JSON.stringify(email.headers), this.#iso(), this.#iso());
      const row = this.db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE dedupe_key = ?').get(email.dedupeKey);
      if (!row) throw new Error(`outbox message ${email.dedupeKey} vanished right after its insert`);
      return { message: toMessage(row), created: info.changes > 0 };
    });
    return tx.immediate();
  }

  async claim(owner: string, leaseMs: number, limit: number): Promise<OutboxMessage[]> {
    if (!owner) throw new Error('outbox claim: owner must not be empty');
    if (!Number.isInteger(leaseMs) || leaseMs <= 0) throw new Error(`outbox claim: lease must be a positive number of ms, got ${leaseMs}`);
    if (!Number.isInteger(limit) || limit <= 0) throw new Error(`outbox claim: limit must be a positive integer, got ${limit}`);
    const now = this.now();
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    // IMMEDIATE: two senders (two lab processes) never lease the same message.
    const tx = this.db.transaction(() => {
      const due = this.db
        .prepare<[string, string, number], { id: number }>(
          `SELECT id FROM (
             SELECT id, next_attempt_at AS t FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
             UNION ALL
             SELECT id, lease_until AS t FROM outbox WHERE status = 'sending' AND lease_until <= ?
           ) ORDER BY t, id LIMIT ?`,
        )
        .all(nowIso, nowIso, limit);
      const lease = this.db.prepare<unknown[], OutboxRow>(
        `UPDATE outbox SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1
         WHERE id = ? RETURNING *`,
      );
      return due.map(({ id }) => lease.get(owner, until, id)).filter((r): r is OutboxRow => r !== undefined);
    });
    return tx.immediate().map(toMessage);
  }

  async markSent(id: number, owner: string): Promise<boolean> {
    const info = this.db
      .prepare(
        `UPDATE outbox SET status = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL
         WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
      )
      .run(this.#iso(), id, owner);
    return info.changes > 0;
  }

  async markFailed(id: number, owner: string, error: string, retryAt: Date | null): Promise<boolean> {
    const info = this.db
      .prepare(
        `UPDATE outbox SET status = ?, next_attempt_at = coalesce(?, next_attempt_at), last_error = ?,
           lease_owner = NULL, lease_until = NULL
         WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
      )
      .run(retryAt ? 'pending' : 'dead', retryAt?.toISOString() ?? null, error.slice(0, 2000), id, owner);
    return info.changes > 0;
  }

  async getMessage(id: number): Promise<OutboxMessage | undefined> {
    const row = this.db.prepare<[number], OutboxRow>('SELECT * FROM outbox WHERE id = ?').get(id);
    return row && toMessage(row);
  }

  async listMessages(options: { status?: OutboxStatus; limit?: number } = {}): Promise<OutboxMessage[]> {
    const { status, limit = -1 } = options;
    if (status !== undefined && !STATUSES.includes(status)) throw new Error(`outbox: unknown status ${JSON.stringify(status)}`);
    if (!Number.isInteger(limit) || limit < -1) throw new Error(`outbox: limit must be a non-negative integer, got ${limit}`);
    return this.db
      .prepare<[string | null, string | null, number], OutboxRow>(
        'SELECT * FROM outbox WHERE (? IS NULL OR status = ?) ORDER BY id LIMIT ?',
      )
      .all(status ?? null, status ?? null, limit)
      .map(toMessage);
  }

  #iso(): string {
    return this.now().toISOString();
  }
}

/** The outbox of the lab database `store` has open (same connection). */
export function outboxOn(store: SqliteStore, now?: () => Date): SqliteOutbox {
  return new SqliteOutbox(store.database, now);
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
