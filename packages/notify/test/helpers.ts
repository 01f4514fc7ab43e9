// A notify service on a real SQLite file, sending to a real SMTP server on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, outboxOn, subscriptionStoreOn, type SqliteStore } from '@testlab/store-sqlite';
import { createNotifyService, type Backoff, type NotifyService } from '../src/index.js';
import { Clock, mailConfig } from './fixtures.js';

export interface Lab {
  dir: string;
  dbPath: string;
  clock: Clock;
  store: SqliteStore;
  notify: NotifyService;
  log: string[];
  close(): Promise<void>;
}

export function openLab(smtpPort: number, options: { backoff?: Backoff; clock?: Clock; auth?: { user: string; pass: string } } = {}): Lab {
  const dir = mkdtempSync(join(tmpdir(), 'testlab-notify-'));
  const dbPath = join(dir, 'lab.db');
  const clock = options.clock ?? new Clock();
  const store = openSqliteStore(dbPath, { now: clock.now });
  const log: string[] = [];
  const notify = createNotifyService({
    config: mailConfig(smtpPort, options.auth),
    subscriptions: subscriptionStoreOn(store, clock.now),
    outbox: outboxOn(store, clock.now),
    now: clock.now,
    log: (line) => log.push(line),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  return {
    dir,
    dbPath,
    clock,
    store,
    notify,
    log,
    async close() {
      await notify.worker.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `s`, `e` and `t` query parameters of the first link to `path` in `text`. */
export function linkParams(text: string, path: string): { url: URL; s: string; e: string; t: string } {
  const m = new RegExp(`https://lab\\.example\\.org${path.replace(/\//g, '\\/')}\\?[^\\s"<>]+`).exec(text);
  if (!m) throw new Error(`no link to ${path} in:\n${text}`);
  const url = new URL(m[0].replace(/&amp;/g, '&').replace(/&#x3D;/g, '='));
  return { url, s: url.searchParams.get('s') ?? '', e: url.searchParams.get('e') ?? '', t: url.searchParams.get('t') ?? '' };
}

/** Subscribes and confirms directly through the service (the confirmation email is sent and dropped). */
export async function activeSubscriber(lab: Lab, request: Record<string, unknown>) {
  const { subscription: sub } = await lab.notify.subscriptions.subscribe(request);
  const confirmUrl = new URL(lab.notify.links.confirm(sub.id));
  const r = await lab.notify.subscriptions.confirm(Object.fromEntries(confirmUrl.searchParams));
  if (!r.ok) throw new Error(`could not confirm: ${r.reason}`);
  return r.subscription;
}
