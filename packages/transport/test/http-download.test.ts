// Downloads against a real HTTP server on 127.0.0.1: retry on 5xx, none on 4xx, truncation, the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { downloadPath, downloadToCache, fetchText, redactUrl } from '../src/index.js';
import { FAST_RETRY, recordingProgress, tempDir } from './support/helpers.js';
import { startServer } from './support/http-server.js';

const body = Buffer.alloc(300_000, 'k');
const sha = createHash('sha256').update(body).digest('hex');

test('503 twice then 200: downloaded on the third try, the retries shown, sha256 recorded beside the file', async (t) => {
  const [dir, server] = [await tempDir(t), await startServer(t)];
  server.routes.set('/linux-6.98.tar.xz', { body, failFirst: 2 });
  const progress = recordingProgress();
  const got = await downloadToCache(`${server.base}/linux-6.98.tar.xz`, dir, progress, FAST_RETRY);
  assert.equal(server.hits.get('/linux-6.98.tar.xz'), 3);
  assert.deepEqual({ sha256: got.sha256, bytes: got.bytes, fromCache: got.fromCache }, { sha256: sha, bytes: body.length, fromCache: false });
  assert.ok(progress.steps.some((s) => /HTTP 503 Service Unavailable; retry 1\/3/.test(s)), progress.steps.join('\n'));
  assert.ok(progress.steps.some((s) => /retry 2\/3/.test(s)));
  assert.equal(progress.fractions.at(-1), 1);
  assert.deepEqual(await readFile(got.file), body);
  const record = JSON.parse(await readFile(`${got.file}.json`, 'utf8')) as { url: string; sha256: string };
  assert.deepEqual([record.url, record.sha256], [`${server.base}/linux-6.98.tar.xz`, sha]);

  const again = await downloadToCache(`${server.base}/linux-6.98.tar.xz`, dir, progress, FAST_RETRY);
  assert.deepEqual([again.fromCache, again.file, again.sha256], [true, got.file, sha]);
  assert.equal(server.hits.get('/linux-6.98.tar.xz'), 3, 'the cached file is not fetched again');
});

test('404 is final: one request, no retry, the status in the error', async (t) => {
  const [dir, server] = [await tempDir(t), await startServer(t)];
  await assert.rejects(downloadToCache(`${server.base}/gone.tar.xz`, dir, recordingProgress(), FAST_RETRY), (e: Error) => {
    assert.match(e.message, /^download of http:\/\/127\.0\.0\.1:[0-9]+\/gone\.tar\.xz failed: .*HTTP 404 Not Found$/);
    assert.doesNotMatch(e.message, /tries/);
    return true;
  });
  assert.equal(server.hits.get('/gone.tar.xz'), 1);
});

test('a body cut short is retried, then rejected as truncated, and leaves no file in the cache', async (t) => {
  const [dir, server] = [await tempDir(t), await startServer(t)];
  server.routes.set('/linux-6.98.tar.xz', { body, truncateAt: 100_000 });
  await assert.rejects(downloadToCache(`${server.base}/linux-6.98.tar.xz`, dir, recordingProgress(), FAST_RETRY), /failed after 4 tries: truncated: got 100000 of 300000 bytes/);
  assert.equal(server.hits.get('/linux-6.98.tar.xz'), 4);
  assert.deepEqual(await readdir(path.join(dir, 'downloads')), []);
});

test('a cut download resumes where it stopped when the server takes ranges, and the sha256 covers the whole file', async (t) => {
  const [dir, server] = [await tempDir(t), await startServer(t)];
  const varied = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
  server.routes.set('/linux-6.98.tar.xz', { body: varied, truncateAt: 120_000, truncateTimes: 1, ranges: true });
  const progress = recordingProgress();
  const got = await downloadToCache(`${server.base}/linux-6.98.tar.xz`, dir, progress, FAST_RETRY);
  assert.equal(server.hits.get('/linux-6.98.tar.xz'), 2);
  assert.equal(server.rangeRequests.length, 1);
  // What reached the disk before the cut (at most the 120000 bytes sent) is where the second request starts.
  const [, from] = /^\/linux-6\.98\.tar\.xz bytes=([0-9]+)-$/.exec(server.rangeRequests[0] ?? '') ?? [];
  assert.ok(Number(from) > 0 && Number(from) <= 120_000, server.rangeRequests[0]);
  assert.ok(progress.steps.some((s) => /resuming at 0\.[0-9] MiB$/.test(s)), progress.steps.join('\n'));
  assert.deepEqual(await readFile(got.file), varied);
  assert.equal(got.sha256, createHash('sha256').update(varied).digest('hex'));
});

test('a body larger than the limit is refused; the feed is fetched as text with the same retries', async (t) => {
  const [dir, server] = [await tempDir(t), await startServer(t)];
  server.routes.set('/big', { body });
  await assert.rejects(downloadToCache(`${server.base}/big`, dir, recordingProgress(), { ...FAST_RETRY, maxBytes: 1000 }), /announces 300000 bytes, more than the limit of 1000/);
  server.routes.set('/releases.json', { body: '{"releases": []}', failFirst: 1 });
  assert.equal(await fetchText(`${server.base}/releases.json`, FAST_RETRY), '{"releases": []}');
  assert.equal(server.hits.get('/releases.json'), 2);
});

test('one URL spelled two ways is one file in the cache', async (t) => {
  const [dir, server] = [await tempDir(t), await startServer(t)];
  server.routes.set('/linux-6.98.tar.xz', { body });
  const got = await downloadToCache(`${server.base}/linux-6.98.tar.xz`, dir, recordingProgress(), FAST_RETRY);
  assert.equal(downloadPath(dir, `${server.base.toUpperCase()}/linux-6.98.tar.xz`), got.file);
  const again = await downloadToCache(`${server.base.replace('http', 'HTTP')}/linux-6.98.tar.xz`, dir, recordingProgress(), FAST_RETRY);
  assert.deepEqual([again.fromCache, again.file], [true, got.file]);
  assert.equal(server.hits.get('/linux-6.98.tar.xz'), 1);
});

test('labels never carry credentials', () => {
  assert.equal(redactUrl('https://user:secret@example.org/linux.tar.xz'), 'https://example.org/linux.tar.xz');
});

test('an over-size feed or download fails at once: its size is the answer, retrying would only fetch it again', async (t) => {
  const [dir, server] = [await tempDir(t), await startServer(t)];
  server.routes.set('/big.json', { body });
  server.routes.set('/chunked.json', { body, chunked: true });
  server.routes.set('/big.tar', { body });
  // Delays that would show: three retries of these would take 30 s.
  const slow = { retryDelaysMs: [10_000, 10_000, 10_000], maxBytes: 1000 };
  const started = Date.now();
  await assert.rejects(fetchText(`${server.base}/big.json`, slow), /GET .*big\.json failed: it announces 300000 bytes, more than the limit of 1000$/);
  await assert.rejects(fetchText(`${server.base}/chunked.json`, slow), /GET .*chunked\.json failed: more than the limit of 1000 bytes$/);
  await assert.rejects(downloadToCache(`${server.base}/big.tar`, dir, recordingProgress(), slow), /download of .*big\.tar failed: it announces 300000 bytes/);
  assert.deepEqual([server.hits.get('/big.json'), server.hits.get('/chunked.json'), server.hits.get('/big.tar')], [1, 1, 1]);
  assert.ok(Date.now() - started < 8000, 'no retry was waited for');
});
