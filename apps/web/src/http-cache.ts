// Many readers, few changes: what the dashboard serves is kept and validated instead of made again. A finished
// run changes only when its diffs are recorded, so its pages carry an ETag naming both (a client that has the
// page gets a 304, the server renders it once); what every visitor asks for (the matrix) is kept until the
// store's change stamp moves (a run started, ended, or got its diffs); a run's files never change once the run
// is over, so they are immutable. A kept page is kept as bytes and gzipped once: a browser (it always accepts
// gzip) gets a run page of 180 KiB as about 11 KiB.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BisectionRecord, ResultsQuery, RunSummary } from '@testlab/core';

/** A run as its page's header shows it: with its stored regressions. */
export type ShownRun = RunSummary & { regressions: number | null };

/** A page as it is sent: its bytes, and gzipped when that is worth it. */
export interface KeptPage {
  type: string;
  body: Buffer;
  gzipped?: Buffer;
}

/** Rendered bodies by URL and validator; a few thousand pages of a few tens of KiB at most. */
export interface PageCache {
  pages: LRUCache<string, KeptPage>;
  /**
   * Pages being rendered now, by the same key: a crowd asking for a page not yet kept (the matrix when its stamp
   * moves, 200 visitors at once) waits for one rendering instead of making it 200 times over.
   */
  rendering: Map<string, Promise<KeptPage>>;
  /** The store's change stamp, asked at most once a second whatever the traffic. */
  stamp(): Promise<string>;
  /**
   * The run, read from the store once per change stamp while it is over (a finished run changes only when the
   * stamp moves: its diffs recorded, its end); a running run is read each time. Its validator is then free.
   */
  run(runId: number): Promise<ShownRun | undefined>;
}

const gzipped = promisify(gzip);
/** Below this a page is sent as it is: gzip would save a packet at most. */
const GZIP_FROM_BYTES = 1024;

export function pageCache(results: ResultsQuery, options: { maxBytes?: number; stampMs?: number } = {}): PageCache {
  const pages = new LRUCache<string, KeptPage>({
    maxSize: options.maxBytes ?? 64 * 1024 ** 2,
    sizeCalculation: (v) => v.body.length + (v.gzipped?.length ?? 0) + 64,
  });
  const runs = new LRUCache<number, { stamp: string; run: ShownRun }>({ max: 10_000 });
  let current: { at: number; stamp: Promise<string> } | undefined;
  const stampMs = options.stampMs ?? 1000;
  const cache: PageCache = {
    pages,
    rendering: new Map(),
    stamp() {
      const now = Date.now();
      if (current === undefined || now - current.at >= stampMs) {
        const stamp = results.changeStamp();
        current = { at: now, stamp };
        // A failed read is not kept: the next request asks again.
        stamp.catch(() => (current = undefined));
      }
      return current.stamp;
    },
    async run(runId) {
      // The stamp first: what is read after it is at least as new as it, so it is kept no longer than the stamp.
      const stamp = await cache.stamp();
      const kept = runs.get(runId);
      if (kept !== undefined && kept.stamp === stamp) return kept.run;
      const run = await results.run(runId);
      if (run !== undefined && run.status !== 'running') runs.set(runId, { stamp, run });
      else runs.delete(runId);
      return run;
    },
  };
  return cache;
}

/**
 * The validator of a run's pages: undefined while the run runs (its pages change with every case). It names the
 * bisections of the run (good or bad run of them) by id and status too: one that starts or ends changes what the
 * run page shows, and does not move the store's change stamp.
 */
export function runValidator(run: ShownRun, bisections: readonly Pick<BisectionRecord, 'id' | 'status'>[] = []): string | undefined {
  if (run.status === 'running') return undefined;
  const named = bisections.map((b) => `-b${b.id}.${b.status}`).join('');
  return `"run-${run.id}-${run.status}-${run.finishedAt ?? 'unfinished'}-${run.regressions ?? 'nodiffs'}${named}"`;
}

/**
 * Answers with the page `render` makes, validated by `etag`: 304 when the client has it, the kept copy when
 * this process rendered it before, else rendered now and kept. Clients revalidate each time (`no-cache`):
 * a run's diffs can still arrive.
 */
export async function validated(
  cache: PageCache, request: FastifyRequest, reply: FastifyReply, etag: string | undefined,
  render: () => Promise<{ type: string; body: string }>,
): Promise<FastifyReply> {
  if (etag === undefined) {
    const page = await render();
    return reply.header('cache-control', 'no-store').type(page.type).send(page.body);
  }
  // One ETag for both encodings: it names the page, and Vary keeps shared caches from mixing the two.
  reply.header('etag', etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding');
  if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  const key = `${request.url}\n${etag}`;
  let page = cache.pages.get(key);
  if (page === undefined) {
    let pending = cache.rendering.get(key);
    if (pending === undefined) {
      pending = render().then(kept).then((made) => (cache.pages.set(key, made), made)).finally(() => cache.rendering.delete(key));
      cache.rendering.set(key, pending);
    }
    page = await pending;
  }
  reply.type(page.type);
  if (page.gzipped !== undefined && acceptsGzip(request.headers['accept-encoding'])) return reply.header('content-encoding', 'gzip').send(page.gzipped);
  return reply.send(page.body);
}

async function kept(page: { type: string; body: string }): Promise<KeptPage> {
  const body = Buffer.from(page.body);
  // In libuv's thread pool: the event loop goes on serving while a page is compressed.
  return body.length < GZIP_FROM_BYTES ? { type: page.type, body } : { type: page.type, body, gzipped: await gzipped(body) };
}

/** Whether Accept-Encoding allows gzip (`gzip`, `x-gzip` or `*`, with a q above 0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const codings = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    codings.set(name.trim(), Number.isNaN(weight) ? 0 : weight);
  }
  const gzipQ = codings.get('gzip') ?? codings.get('x-gzip') ?? codings.get('*');
  return gzipQ !== undefined && gzipQ > 0;
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
