// Files between the hosts of one lab: a worker uploads what it made (a built kernel, a run's logs and
// captures) to the results service, and fetches a kernel another host built. Every transfer carries the lab
// token and the file's SHA-256: the receiver checks what arrived against it before keeping anything, and so
// does a worker fetching a kernel (against the checksum the build job recorded). Retries with backoff as the
// downloader does; a 4xx is the server's final answer.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { HttpStatusError, redactUrl, withRetry, type HttpOptions } from './retry.js';

export const SHA256_HEADER = 'x-testlab-sha256';

/** The SHA-256 of a file, hex, read as a stream. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface LabTransferOptions extends HttpOptions {
  /** The lab API token (Authorization: Bearer). */
  token: string;
  /** More request headers (what the receiver needs to know about the file, e.g. the path a run recorded). */
  headers?: Record<string, string>;
}

/** PUTs `file` to `url` with its checksum; the receiver answers 2xx only when what arrived matches it. */
export async function uploadFile(url: string, file: string, options: LabTransferOptions & { sha256?: string }): Promise<{ sha256: string; bytes: number }> {
  const sha256 = options.sha256 ?? (await fileSha256(file));
  const { size } = await stat(file);
  await withRetry(`upload of ${path.basename(file)} to ${redactUrl(url)}`, options, async () => {
    const response = await fetch(url, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(size),
        [SHA256_HEADER]: sha256,
        ...options.headers,
      },
      body: Readable.toWeb(createReadStream(file)) as unknown as NonNullable<RequestInit['body']>,
      duplex: 'half',
    } as RequestInit);
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new HttpStatusError(url, response.status, `${response.statusText}${text ? `: ${text.slice(0, 300)}` : ''}`);
  });
  return { sha256, bytes: size };
}

/**
 * GETs `url` into `dest` (a temp file renamed when whole) and checks it against `sha256`; a file that does not
 * match is removed and the transfer fails, naming both checksums.
 */
export async function downloadVerified(url: string, dest: string, options: LabTransferOptions & { sha256: string }): Promise<{ bytes: number }> {
  if (!/^[0-9a-f]{64}$/.test(options.sha256)) throw new Error(`download of ${redactUrl(url)}: expected a SHA-256 in hex, got ${JSON.stringify(options.sha256)}`);
  const maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
  await mkdir(path.dirname(dest), { recursive: true });
  return withRetry(`download of ${redactUrl(url)}`, options, async () => {
    const tmp = `${dest}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${options.token}`, 'accept-encoding': 'identity', ...options.headers } });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new HttpStatusError(url, response.status, response.statusText);
      }
      const hash = createHash('sha256');
      let bytes = 0;
      const out = await open(tmp, 'w');
      try {
        for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)) {
          bytes += (chunk as Buffer).length;
          if (bytes > maxBytes) throw new Error(`more than the limit of ${maxBytes} bytes`);
          hash.update(chunk as Buffer);
          await out.write(chunk as Buffer);
        }
      } finally {
        await out.close();
      }
      const got = hash.digest('hex');
      // Not retried: the same server would send the same wrong bytes; the lab must hear about it.
      if (got !== options.sha256) throw new HttpStatusError(url, 422, `checksum mismatch: expected sha256 ${options.sha256}, got ${got}`);
      await rename(tmp, dest);
      return { bytes };
    } finally {
      await rm(tmp, { force: true });
    }
  });
}
