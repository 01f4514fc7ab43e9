// The URL driver against a node:http server on 127.0.0.1: download, cache reuse, truncation, resume, HTTP
// errors. The download is transport's, the watcher's own: these check the URL source gets all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { silentProgress } from '@testlab/core';
import { startServer } from '@testlab/transport/test-http-server';
import { UrlSource, kernelSourceFrom } from '../src/index.js';
import { makeTarball, recordingProgress, tempDir, writeMiniKernelTree } from './fixtures.js';

async function serve(t: { after(fn: () => Promise<void>): void }, handler: Parameters<typeof createServer>[1]): Promise<{ base: string; hits: string[] }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** Fast retries: the backoff policy is the downloader's, the waiting is not under test. */
const FAST_RETRY = { retryDelaysMs: [1, 1, 1] };

async function tarballBytes(dir: string): Promise<Buffer> {
  await writeMiniKernelTree(path.join(dir, 'linux-6.99'));
  const file = path.join(dir, 'linux-6.99.tar.xz');
  await makeTarball(file, dir, 'linux-6.99');
  return readFile(file);
}

test('downloads once with progress, identifies by content, extracts', async (t) => {
  const dir = await tempDir(t);
  const bytes = await tarballBytes(dir);
  const { base, hits } = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/x-xz' });
    res.end(bytes);
  });
  const cache = path.join(dir, 'cache');
  const source = kernelSourceFrom(`${base}/pub/linux-6.99.tar.xz`);
  assert.ok(source instanceof UrlSource);
  const progress = recordingProgress();
  const id = await source.identify(cache, progress);
  assert.match(id.hash, /^sha256:[0-9a-f]{64}$/);
  assert.equal(id.label, `${base}/pub/linux-6.99.tar.xz`);
  assert.ok(progress.steps.some((s) => s.startsWith('download ')));
  assert.ok(progress.fractions.includes(1), 'download progress reaches 1');

  const out = path.join(dir, 'out');
  await mkdir(out);
  await source.extractTo(out, cache, silentProgress);
  assert.match(await readFile(path.join(out, 'Makefile'), 'utf8'), /PATCHLEVEL = 99/);

  // A second source for the same URL reuses the finished download.
  assert.deepEqual(await new UrlSource(`${base}/pub/linux-6.99.tar.xz`).identify(cache, silentProgress), id);
  assert.equal(hits.length, 1);
  // The file, named by the URL's hash, and the downloader's record beside it (URL, size, sha256).
  const downloads = (await readdir(path.join(cache, 'downloads'))).sort();
  assert.equal(downloads.length, 2);
  assert.match(downloads[0] ?? '', /^[0-9a-f]{64}$/);
  assert.equal(downloads[1], `${downloads[0]}.json`);
});

test('a truncated response (Content-Length not reached) is an error and leaves no file', async (t) => {
  const dir = await tempDir(t);
  const bytes = await tarballBytes(dir);
  const { base } = await serve(t, (_req, res) => {
    res.writeHead(200, { 'content-length': String(bytes.length) });
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
  });
  const cache = path.join(dir, 'cache');
  await assert.rejects(new UrlSource(`${base}/linux.tar.xz`, FAST_RETRY).identify(cache, silentProgress), (e: Error) => {
    assert.match(e.message, new RegExp(`^download of ${base}/linux\\.tar\\.xz failed after 4 tries: truncated: got \\d+ of ${bytes.length} bytes`));
    return true;
  });
  assert.deepEqual(await readdir(path.join(cache, 'downloads')), []);
});

test('HTTP errors are named; only http and https', async (t) => {
  const dir = await tempDir(t);
  const { base } = await serve(t, (_req, res) => {
    res.writeHead(404);
    res.end('not here');
  });
  await assert.rejects(new UrlSource(`${base}/missing.tar.xz`).identify(dir, silentProgress), /download of .*missing\.tar\.xz failed: HTTP 404 Not Found/);
  assert.throws(() => new UrlSource('ftp://example.org/linux.tar.xz'), /unsupported URL scheme "ftp:"/);
});

test('a body larger than the limit is cut off', async (t) => {
  const dir = await tempDir(t);
  const { base } = await serve(t, (_req, res) => {
    res.writeHead(200);
    res.end(Buffer.alloc(4096));
  });
  await assert.rejects(new UrlSource(`${base}/big.tar`, { ...FAST_RETRY, maxBytes: 1000 }).identify(dir, silentProgress), /more than the limit of 1000 bytes/);
});

test('a cut download resumes where it stopped (HTTP Range) and builds; one that stays cut is refused and leaves nothing', async (t) => {
  const dir = await tempDir(t);
  const bytes = await tarballBytes(dir);
  const server = await startServer(t);
  const cut = Math.floor(bytes.length / 2);
  server.routes.set('/pub/linux-6.99.tar.xz', { body: bytes, truncateAt: cut, truncateTimes: 1, ranges: true });
  const cache = path.join(dir, 'cache');
  const progress = recordingProgress();
  const source = new UrlSource(`${server.base}/pub/linux-6.99.tar.xz`, FAST_RETRY);
  const id = await source.identify(cache, progress);
  assert.equal(server.hits.get('/pub/linux-6.99.tar.xz'), 2);
  const [, from] = /^\/pub\/linux-6\.99\.tar\.xz bytes=([0-9]+)-$/.exec(server.rangeRequests[0] ?? '') ?? [];
  assert.ok(Number(from) > 0 && Number(from) <= cut, `the second request asks for the rest only: ${server.rangeRequests.join(', ')}`);
  assert.ok(progress.steps.some((s) => / resuming at /.test(s)), progress.steps.join('\n'));
  assert.equal(id.hash, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  const out = path.join(dir, 'out');
  await mkdir(out);
  await source.extractTo(out, cache, silentProgress);
  assert.match(await readFile(path.join(out, 'Makefile'), 'utf8'), /PATCHLEVEL = 99/);

  server.routes.set('/pub/linux-6.98.tar.xz', { body: bytes, truncateAt: cut });
  await assert.rejects(new UrlSource(`${server.base}/pub/linux-6.98.tar.xz`, FAST_RETRY).identify(cache, silentProgress), (e: Error) => {
    assert.match(e.message, new RegExp(`^download of ${server.base}/pub/linux-6\\.98\\.tar\\.xz failed after 4 tries: truncated: got ${cut} of ${bytes.length} bytes`));
    return true;
  });
  assert.equal(server.hits.get('/pub/linux-6.98.tar.xz'), 4);
  // Only the finished 6.99 download and its record: nothing of the refused one.
  assert.equal((await readdir(path.join(cache, 'downloads'))).length, 2);
});
