// Files between a lab's hosts over real HTTP: the token and the checksum travel with each upload, a download
// that does not match the checksum it was promised is refused and leaves nothing behind, a 5xx is retried.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { downloadVerified, fileSha256, uploadFile } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-lab-files-'));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const received: { url: string; auth: string | undefined; sha: string | undefined; path: string | undefined; body: Buffer }[] = [];
let failNext = 0;
let server: Server;
let base: string;
const served = Buffer.from('a kernel image, or near enough\n'.repeat(1000));

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

before(async () => {
  server = createServer(async (req, res) => {
    if (failNext > 0) {
      failNext--;
      await body(req);
      res.writeHead(503).end('busy');
      return;
    }
    if (req.method === 'PUT') {
      const b = await body(req);
      received.push({ url: req.url!, auth: req.headers.authorization, sha: req.headers['x-testlab-sha256'] as string, path: req.headers['x-testlab-path'] as string, body: b });
      res.writeHead(sha(b) === req.headers['x-testlab-sha256'] ? 201 : 422).end();
      return;
    }
    if (req.headers.authorization !== 'Bearer t0ken') return void res.writeHead(401).end();
    res.writeHead(200, { 'content-length': served.length }).end(served);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

test('an upload carries the token, the checksum and the headers given; a 503 is retried', async () => {
  const file = path.join(dir, 'console.log');
  writeFileSync(file, 'Linux version 6.1.0\n');
  failNext = 1;
  const sent = await uploadFile(`${base}/api/runs/7/files`, file, { token: 't0ken', headers: { 'x-testlab-path': file }, retryDelaysMs: [10] });
  assert.equal(sent.sha256, sha('Linux version 6.1.0\n'));
  assert.equal(sent.sha256, await fileSha256(file));
  const [got] = received.splice(0);
  assert.deepEqual([got?.url, got?.auth, got?.sha, got?.path, got?.body.toString()], ['/api/runs/7/files', 'Bearer t0ken', sent.sha256, file, 'Linux version 6.1.0\n']);
});

test('a receiver that finds another checksum refuses, and the upload fails naming it', async () => {
  const file = path.join(dir, 'bzImage');
  writeFileSync(file, 'x');
  await assert.rejects(uploadFile(`${base}/api/kernels/k/bzImage`, file, { token: 't0ken', sha256: sha('y'), retryDelaysMs: [] }), /upload of bzImage to .* failed: HTTP 422/);
  received.splice(0);
});

test('a download is kept only when it matches the checksum it was promised', async () => {
  const dest = path.join(dir, 'fetched', 'bzImage');
  assert.deepEqual(await downloadVerified(`${base}/api/kernels/k/bzImage`, dest, { token: 't0ken', sha256: sha(served) }), { bytes: served.length });
  assert.deepEqual(readFileSync(dest), served);
  const bad = path.join(dir, 'fetched', 'bad');
  await assert.rejects(downloadVerified(`${base}/x`, bad, { token: 't0ken', sha256: sha('something else'), retryDelaysMs: [10] }),
    /failed: HTTP 422 checksum mismatch: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}/);
  assert.equal(existsSync(bad), false);
  assert.deepEqual(readdirSync(path.join(dir, 'fetched')), ['bzImage'], 'no partial file left');
  await assert.rejects(downloadVerified(`${base}/x`, bad, { token: 'wrong', sha256: sha(served), retryDelaysMs: [10] }), /HTTP 401/);
  await assert.rejects(downloadVerified(`${base}/x`, bad, { token: 't0ken', sha256: 'md5?' }), /expected a SHA-256 in hex/);
});
