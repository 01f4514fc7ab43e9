// Drains the outbox: lease due messages, send each, mark it sent; on failure retry later with exponential
// backoff, and give up (dead) after too many attempts or on a permanent SMTP refusal (5xx).
//
// Delivery is at-least-once. The window: the SMTP server has accepted the message (250) but the sender
// dies, or loses the database, before markSent commits. After the lease runs out the next claim sends the
// message again, with the same Message-ID (fixed at enqueue time), so a recipient's mail system or client
// can recognise the duplicate. No SMTP exchange can close this window: the 250 and the commit are two
// systems. Everything else (a crash before the 250, an SMTP error, a closed connection) sends it once.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Outbox, OutboxMessage } from '@testlab/core';
import type { Mailer } from './mailer.js';

export interface Backoff {
  /** Delay after the first failed attempt; doubles with each further one. */
  baseMs: number;
  maxMs: number;
  /** After this many attempts the message is dead. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 60_000, maxMs: 6 * 3600_000, maxAttempts: 12 };
/** Longer than any one SMTP attempt can take (see SMTP_TIMEOUTS). */
export const DEFAULT_LEASE_MS = 5 * 60_000;

export function retryDelayMs(attempts: number, b: Backoff): number {
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempts - 1));
}

export interface OutboxWorkerOptions {
  outbox: Outbox;
  mailer: Mailer;
  /** Names the lease holder; unique per process so two lab processes never mistake each other's leases. */
  owner?: string;
  leaseMs?: number;
  batch?: number;
  backoff?: Backoff;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface TickResult {
  sent: number;
  retrying: number;
  dead: number;
}

export class OutboxWorker {
  readonly owner: string;
  readonly #o: Required<Omit<OutboxWorkerOptions, 'owner'>>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<TickResult> | undefined;
  #stopped = true;

  constructor(options: OutboxWorkerOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#o = {
      outbox: options.outbox,
      mailer: options.mailer,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      batch: options.batch ?? 20,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      now: options.now ?? (() => new Date()),
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    };
  }

  /** One pass over what is due. Never throws for an SMTP problem: that is recorded on the message. */
  async tick(): Promise<TickResult> {
    const result: TickResult = { sent: 0, retrying: 0, dead: 0 };
    const { outbox, mailer, leaseMs, batch, backoff, now, log } = this.#o;
    for (const m of await outbox.claim(this.owner, leaseMs, batch)) {
      try {
        await mailer.send(m);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        const permanent = isPermanent(e);
        const giveUp = permanent || m.attempts >= backoff.maxAttempts;
        const retryAt = giveUp ? null : new Date(now().getTime() + retryDelayMs(m.attempts, backoff));
        await outbox.markFailed(m.id, this.owner, error, retryAt);
        log(`outbox: ${describe(m)} attempt ${m.attempts} failed: ${error}; ${retryAt ? `retry at ${retryAt.toISOString()}` : 'giving up'}`);
        if (giveUp) result.dead++;
        else result.retrying++;
        continue;
      }
      // false: our lease ran out mid-send and another sender took over; it will send (same Message-ID).
      if (await outbox.markSent(m.id, this.owner)) result.sent++;
      else log(`outbox: ${describe(m)} was sent but its lease had been taken over; it may arrive twice`);
    }
    return result;
  }

  /** Polls every `intervalMs` in the background until stop(); the timer never keeps the process alive. */
  start(intervalMs = 15_000): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const loop = () => {
      this.#running = this.tick().catch((e: unknown) => {
        // A database error: keep the lab running, try again next round.
        this.#o.log(`outbox: pass failed: ${e instanceof Error ? e.message : String(e)}`);
        return { sent: 0, retrying: 0, dead: 0 };
      });
      void this.#running.then(() => {
        if (this.#stopped) return;
        this.#timer = setTimeout(loop, intervalMs);
        this.#timer.unref();
      });
    };
    loop();
  }

  /** Stops polling and waits for the pass in progress, so the caller can close the database after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}

// Only a 5xx about this message (its recipient or content) is final. A 5xx to AUTH or MAIL FROM is the lab's
// own configuration, which the operator will fix: those messages must still go out afterwards.
function isPermanent(e: unknown): boolean {
  const { responseCode: code, command } = (e ?? {}) as { responseCode?: unknown; command?: unknown };
  return typeof code === 'number' && code >= 500 && code < 600 && (command === 'RCPT TO' || command === 'DATA');
}

function describe(m: OutboxMessage): string {
  return `message ${m.id} (${m.dedupeKey}) to ${m.to}`;
}
