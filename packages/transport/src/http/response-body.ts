// One GET of a body, checked as it streams: the announced length must arrive whole (a cut body is
// `truncated`, never a short file), the size limit holds, a stalled server is given up on, and a resumed
// request continues exactly where the file on disk ends.
import type { FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Progress } from '@testlab/core';
import { BodyTooLargeError, describe, HttpStatusError, type HttpOptions } from './retry.js';

const DEFAULT_IDLE_MS = 60_000;
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

export interface BodyTarget {
  /** Ask for the bytes from this offset on (a resumed download). */
  from?: number;
  /** Where the body goes; `resumed` says whether the server sent only the rest (206) or everything (200). */
  open?: (resumed: boolean) => Promise<FileHandle>;
  progress?: Progress;
}

/**
 * One GET: each chunk to `onChunk` (and to the file `open` gives). Returns the full size. Throws
 * HttpStatusError for a bad status and an Error saying `truncated: got N of M bytes` when the body ends early.
 */
export async function streamBody(url: string, options: HttpOptions, onChunk: (chunk: Buffer) => void, target: BodyTarget = {}): Promise<number> {
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
      throw new HttpStatusError(url, response.status, response.statusText);
    }
    // A server that encodes anyway: fetch decodes, so the announced length is not what arrives.
    const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const length = response.headers.get('content-length');
    const bodyLength = !encoded && length !== null && /^[0-9]{1,15}$/.test(length) ? Number(length) : undefined;
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

export function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
