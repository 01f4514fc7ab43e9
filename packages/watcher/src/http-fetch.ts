// HTTP for the watcher: the feed (small, in memory) and tarballs and signatures (to the download cache).
// Network errors and 5xx are retried with backoff; 4xx is the server's final answer and is not.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Progress } from '@testlab/core';

export interface HttpOptions {
  /** Waits before each retry; its length is the number of retries. Default 2 s, 8 s, 30 s: kernel.org's CDN recovers in seconds. */
  retryDelaysMs?: readonly number[];
  /** Give up on a response when no byte arrives for this long. */
  idleTimeoutMs?: number;
  /** Refuse bodies larger than this (a hostile or broken server must not fill the disk). */
  maxBytes?: number;
}

const DEFAULT_RETRY_DELAYS = [2_000, 8_000, 30_000];
const DEFAULT_IDLE_MS = 60_000;
const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

/** The server answered, and the answer is final (4xx): retrying would get the same. */
export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
  get retriable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/** The body is larger than the caller takes: the size is the server's answer, and retrying would fetch it again. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/**
 * Runs `attempt` until it succeeds, a non-retriable error comes, or the delays are used up. `onRetry` is
 * told each failure, so long waits are visible. The last error is thrown, its message saying how many tries.
 */
export async function withRetry<T>(what: string, options: HttpOptions, attempt: () => Promise<T>, onRetry?: (text: string) => void): Promise<T> {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = error instanceof HttpStatusError ? error.retriable : !(error instanceof BodyTooLargeError);
      const delay = delays[i];
      if (!retriable || delay === undefined) {
        const tries = i + 1;
        const message = `${what} failed${tries > 1 ? ` after ${tries} tries` : ''}: ${describe(error)}`;
        throw new Error(message, { cause: error });
      }
      onRetry?.(`${what}: ${describe(error)}; retry ${i + 1}/${delays.length} in ${Math.round(delay / 1000)} s`);
      await sleep(delay);
    }
  }
}

/** A small document (the feed) as text, with retries. */
export async function fetchText(url: string, options: HttpOptions = {}, progress?: Progress): Promise<string> {
  const maxBytes = options.maxBytes ?? 16 * 1024 ** 2;
  return withRetry(`GET ${url}`, options, async () => {
    const chunks: Buffer[] = [];
    await streamBody(url, { ...options, maxBytes }, (chunk) => chunks.push(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }, progress && ((t) => progress.step(t)));
}

export interface CachedDownload {
  file: string;
  sha256: string;
  bytes: number;
  /** False when this call downloaded it. */
  fromCache: boolean;
}

/**
 * The file at `url` in `<cacheDir>/downloads/<sha256 of URL>` (the layout the URL kernel source uses, so a
 * build finds what the watcher fetched). Bytes go to a temp file renamed only when complete; a cut
 * connection leaves nothing that looks finished, and the retry asks only for the missing bytes (HTTP Range)
 * when the server supports it. Beside the file, `<name>.json` records URL, size and sha256.
 */
export async function downloadToCache(url: string, cacheDir: string, progress: Progress, options: HttpOptions = {}): Promise<CachedDownload> {
  const dir = path.join(cacheDir, 'downloads');
  const file = path.join(dir, createHash('sha256').update(url).digest('hex'));
  const recorded = await readRecord(file, url);
  if (recorded) return { file, sha256: recorded.sha256, bytes: recorded.bytes, fromCache: true };
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  let result: { sha256: string; bytes: number };
  try {
    result = await withRetry(`download of ${url}`, options, async () => {
      const have = await stat(tmp).then((st) => st.size, () => 0);
      progress.step(have > 0 ? `download ${url}: resuming at ${mib(have)} MiB` : `download ${url}`);
      const hash = createHash('sha256');
      const bytes = await streamBody(url, options, (chunk) => hash.update(chunk), {
        from: have,
        open: async (resumed) => {
          if (!resumed) return open(tmp, 'w');
          // Hash what is on disk, not what the cut attempt counted: the last chunks may never have been written.
          for await (const chunk of createReadStream(tmp)) hash.update(chunk as Buffer);
          return open(tmp, 'a');
        },
        progress,
      });
      return { sha256: hash.digest('hex'), bytes };
    }, (t) => progress.step(t));
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await writeFile(`${file}.json`, `${JSON.stringify({ url, bytes: result.bytes, sha256: result.sha256, fetchedAt: new Date().toISOString() })}\n`);
  return { file, ...result, fromCache: false };
}

/** Forget a cached download (a tarball that failed verification must not be reused by the next try or a build). */
export async function dropCached(download: CachedDownload): Promise<void> {
  await rm(download.file, { force: true });
  await rm(`${download.file}.json`, { force: true });
}

async function readRecord(file: string, url: string): Promise<{ sha256: string; bytes: number } | undefined> {
  try {
    const record = JSON.parse(await readFile(`${file}.json`, 'utf8')) as { url?: unknown; sha256?: unknown; bytes?: unknown };
    // The size must match too: a file cut or replaced behind our back is downloaded again.
    const { size } = await stat(file);
    if (record.url === url && record.bytes === size && typeof record.sha256 === 'string' && /^[0-9a-f]{64}$/.test(record.sha256) && typeof record.bytes === 'number') {
      return { sha256: record.sha256, bytes: record.bytes };
    }
  } catch {
    // no record, or the file is gone: download again
  }
  return undefined;
}

interface BodyTarget {
  /** Ask for the bytes from this offset on (a resumed download). */
  from?: number;
  /** Where the body goes; `resumed` says whether the server sent only the rest (206) or everything (200). */
  open?: (resumed: boolean) => Promise<FileHandle>;
  progress?: Progress;
}

/**
 * One GET: each chunk to `onChunk` (and to the stream `open` gives). Returns the full size. Throws
 * HttpStatusError for a bad status and an Error saying `truncated: got N of M bytes` when the body ends early.
 */
async function streamBody(url: string, options: HttpOptions, onChunk: (chunk: Buffer) => void, target: BodyTarget = {}): Promise<number> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  const from = target.from ?? 0;
  const abort = new AbortController();
  const stall = () => abort.abort(new Error(`no data for ${idleMs} ms`));
  let idle = setTimeout(stall, idleMs);
  let bytes = 0;
  let total: number | undefined;
  try {
    // identity: a Content-Encoding undone by fetch would make the length check and the Range offsets meaningless.
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (from > 0) headers.range = `bytes=${from}-`;
    const response = await fetch(url, { headers, redirect: 'follow', signal: abort.signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new HttpStatusError(url, response.status);
    }
    const length = response.headers.get('content-length');
    const bodyLength = length !== null && /^[0-9]{1,15}$/.test(length) ? Number(length) : undefined;
    // Only a 206 that starts exactly where we stopped continues the file; anything else starts over.
    const range = response.status === 206 ? /^bytes ([0-9]{1,15})-[0-9]{1,15}\/([0-9]{1,15})$/.exec(response.headers.get('content-range') ?? '') : null;
    const resumed = from > 0 && range !== null && Number(range[1]) === from;
    if (response.status === 206 && !resumed) {
      await response.body.cancel();
      throw new Error(`the server answered a range request with an unexpected Content-Range ${JSON.stringify(response.headers.get('content-range'))}`);
    }
    total = resumed ? Number(range?.[2]) : bodyLength;
    bytes = resumed ? from : 0;
    if (total !== undefined && total > maxBytes) throw new BodyTooLargeError(`it announces ${total} bytes, more than the limit of ${maxBytes}`);
    const out = target.open ? await target.open(resumed) : undefined;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        clearTimeout(idle);
        idle = setTimeout(stall, idleMs);
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new BodyTooLargeError(`more than the limit of ${maxBytes} bytes`));
        onChunk(chunk);
        target.progress?.fraction(total ? bytes / total : undefined, total ? `${mib(bytes)}/${mib(total)} MiB` : `${mib(bytes)} MiB`);
        done(null, chunk);
      },
    });
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    // Each chunk is written before the next is read: when the connection is cut, what arrived is on disk for
    // the resumed try (a write stream torn down by the error would drop what it still buffered).
    try {
      await pipeline(body, counter, async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) if (out) await out.write(chunk);
      });
    } finally {
      await out?.close();
    }
    if (total !== undefined && bytes !== total) throw new Error(`truncated: got ${bytes} of ${total} bytes`);
    return bytes;
  } catch (error) {
    if (error instanceof HttpStatusError || error instanceof BodyTooLargeError) throw error;
    // undici reports a body cut short as `terminated`: say what it means for a download.
    if (total !== undefined && bytes < total && !describe(error).startsWith('truncated')) {
      throw new Error(`truncated: got ${bytes} of ${total} bytes (${describe(error)})`, { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(idle);
  }
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

/** fetch's errors say `fetch failed` / `terminated`; the useful part is in `cause`. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
