// Many readers, few changes: what the dashboard serves is kept and validated instead of made again. A finished
// run changes only when its diffs are recorded, so its pages carry an ETag naming both (a client that has the
// page gets a 304, the server renders it once); what every visitor asks for (the matrix) is kept until the
// store's change stamp moves (a run started, ended, or got its diffs); a run's files never change once the run
// is over, so they are immutable.
import { LRUCache } from 'lru-cache';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResultsQuery, RunSummary } from '@testlab/core';

/** Rendered bodies by URL and validator; a few thousand pages of a few tens of KiB at most. */
export interface PageCache {
  pages: LRUCache<string, { type: string; body: string }>;
  /**
   * Pages being rendered now, by the same key: a crowd asking for a page not yet kept (the matrix when its stamp
   * moves, 200 visitors at once) waits for one rendering instead of making it 200 times over.
   */
  rendering: Map<string, Promise<{ type: string; body: string }>>;
  /** The store's change stamp, asked at most once a second whatever the traffic. */
  stamp(): Promise<string>;
}

export function pageCache(results: ResultsQuery, options: { maxBytes?: number; stampMs?: number } = {}): PageCache {
  const pages = new LRUCache<string, { type: string; body: string }>({ maxSize: options.maxBytes ?? 64 * 1024 ** 2, sizeCalculation: (v) => v.body.length + 64 });
  let current: { at: number; stamp: Promise<string> } | undefined;
  const stampMs = options.stampMs ?? 1000;
  return {
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
  };
}

/** The validator of a run's pages: undefined while the run runs (its pages change with every case). */
export function runValidator(run: RunSummary & { regressions: number | null }, salt = ''): string | undefined {
  if (run.status === 'running') return undefined;
  return `"run-${run.id}-${run.status}-${run.finishedAt ?? 'unfinished'}-${run.regressions ?? 'nodiffs'}${salt}"`;
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
  reply.header('etag', etag).header('cache-control', 'no-cache');
  if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  const key = `${request.url}\n${etag}`;
  let page = cache.pages.get(key);
  if (page === undefined) {
    let pending = cache.rendering.get(key);
    if (pending === undefined) {
      pending = render().then((made) => (cache.pages.set(key, made), made)).finally(() => cache.rendering.delete(key));
      cache.rendering.set(key, pending);
    }
    page = await pending;
  }
  return reply.type(page.type).send(page.body);
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
