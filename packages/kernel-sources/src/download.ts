// One HTTP(S) download into a file, all or nothing: bytes go to a temp file that is renamed only when the body
// is complete, so a crash or a cut connection never leaves something that looks like a finished tarball.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Progress } from '@testlab/core';
import { mib } from './hash.js';
import { redactUrl } from './validate.js';

export interface DownloadOptions {
  /** A server that sends more than this is cut off: it would fill the cache disk. Kernel tarballs are ~150 MiB. */
  maxBytes?: number;
  /** Give up when no byte arrives for this long: a stalled server must not hang a nightly run forever. */
  idleTimeoutMs?: number;
}

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
const DEFAULT_IDLE_MS = 60_000;

export async function downloadFile(url: URL, file: string, progress: Progress, options: DownloadOptions = {}): Promise<void> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  const label = redactUrl(url.href);
  const tmp = `${file}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  const abort = new AbortController();
  let idle = setTimeout(() => abort.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
  };
  let bytes = 0;
  let total: number | undefined;
  try {
    progress.step(`download ${label}`);
    // identity: a gzip Content-Encoding would be undone by fetch and the length check would no longer hold.
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' }, redirect: 'follow', signal: abort.signal });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const length = response.headers.get('content-length');
    total = !encoded && length !== null && /^[0-9]{1,15}$/.test(length) ? Number(length) : undefined;
    if (total !== undefined && total > maxBytes) throw new Error(`it announces ${total} bytes, more than the limit of ${maxBytes}`);

    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        touch();
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new Error(`more than the limit of ${maxBytes} bytes`));
        progress.fraction(total ? bytes / total : undefined, total ? `${mib(bytes)}/${mib(total)} MiB` : `${mib(bytes)} MiB`);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(tmp, { flags: 'wx' }));
    if (total !== undefined && bytes !== total) throw new Error(`truncated: got ${bytes} of ${total} bytes`);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    const reason = describe(error);
    const cut = total !== undefined && bytes < total && !reason.startsWith('truncated') ? `truncated: got ${bytes} of ${total} bytes (${reason})` : reason;
    throw new Error(`download of ${label} failed: ${cut}`, { cause: error });
  } finally {
    clearTimeout(idle);
  }
}

/** fetch's errors say `fetch failed` / `terminated`; the useful part is in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
