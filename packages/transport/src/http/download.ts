// The lab's one HTTP downloader: kernel tarballs and signatures into the download cache (for the watcher and
// for URL kernel sources alike, so a build finds what the watcher fetched and verified), and small documents
// (the releases feed) into memory. Retries with backoff, resumes a cut download, refuses a truncated one.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Progress } from '@testlab/core';
import { mib, streamBody } from './response-body.js';
import { redactUrl, withRetry, type HttpOptions } from './retry.js';

export interface CachedDownload {
  file: string;
  sha256: string;
  bytes: number;
  /** False when this call downloaded it. */
  fromCache: boolean;
}

/**
 * Where the file at `url` is kept: `<cacheDir>/downloads/<sha256 of the URL>` (a URL never becomes a path).
 * The URL is taken in its parsed form, so two spellings of one URL share one file.
 */
export function downloadPath(cacheDir: string, url: string): string {
  return path.join(cacheDir, 'downloads', createHash('sha256').update(new URL(url).href).digest('hex'));
}

/** A small document (the feed) as text, with retries. */
export async function fetchText(url: string, options: HttpOptions = {}, progress?: Progress): Promise<string> {
  const maxBytes = options.maxBytes ?? 16 * 1024 ** 2;
  return withRetry(`GET ${redactUrl(url)}`, options, async () => {
    const chunks: Buffer[] = [];
    await streamBody(url, { ...options, maxBytes }, (chunk) => chunks.push(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }, progress && ((t) => progress.step(t)));
}

/**
 * The file at `url` in the download cache (downloadPath). Bytes go to a temp file renamed only when
 * complete; a cut connection leaves nothing that looks finished, and the retry asks only for the missing
 * bytes (HTTP Range) when the server supports it. Beside the file, `<name>.json` records URL, size and
 * sha256; a file without its record, or of another size, is downloaded again.
 */
export async function downloadToCache(url: string, cacheDir: string, progress: Progress, options: HttpOptions = {}): Promise<CachedDownload> {
  const file = downloadPath(cacheDir, url);
  const label = redactUrl(url);
  const recorded = await readRecord(file, url);
  if (recorded) return { file, sha256: recorded.sha256, bytes: recorded.bytes, fromCache: true };
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  let result: { sha256: string; bytes: number };
  try {
    result = await withRetry(`download of ${label}`, options, async () => {
      const have = await stat(tmp).then((st) => st.size, () => 0);
      progress.step(have > 0 ? `download ${label}: resuming at ${mib(have)} MiB` : `download ${label}`);
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
  await writeFile(`${file}.json`, `${JSON.stringify({ url: label, bytes: result.bytes, sha256: result.sha256, fetchedAt: new Date().toISOString() })}\n`);
  return { file, ...result, fromCache: false };
}

/** Forget a cached download (a tarball that failed verification must not be reused by the next try or a build). */
export async function dropCached(download: Pick<CachedDownload, 'file'>): Promise<void> {
  await rm(download.file, { force: true });
  await rm(`${download.file}.json`, { force: true });
}

async function readRecord(file: string, url: string): Promise<{ sha256: string; bytes: number } | undefined> {
  try {
    const record = JSON.parse(await readFile(`${file}.json`, 'utf8')) as { url?: unknown; sha256?: unknown; bytes?: unknown };
    // The size must match too: a file cut or replaced behind our back is downloaded again.
    const { size } = await stat(file);
    if (record.url === redactUrl(url) && record.bytes === size && typeof record.sha256 === 'string' && /^[0-9a-f]{64}$/.test(record.sha256) && typeof record.bytes === 'number') {
      return { sha256: record.sha256, bytes: record.bytes };
    }
  } catch {
    // no record, or the file is gone: download again
  }
  return undefined;
}
