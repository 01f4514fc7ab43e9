// The results service's side of a lab on several hosts: kernels and run files come in with the lab token
// and their SHA-256 (checked as they arrive, kept under names the lab makes), only paths a run recorded are
// taken, and a run made on another host is served from the uploaded copy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from '../src/app.js';
import { labFileRoutes } from '../src/routes/lab-files.js';
import { addRun, openLab, type Lab } from './fixture.js';

const token = 't'.repeat(40);
const sha = (b: string) => createHash('sha256').update(b).digest('hex');
let lab: Lab;
let app: ReturnType<typeof build>;
const kernelsDir = () => path.join(lab.dir, 'kernels');
const receivedDir = () => path.join(lab.dir, 'received');

before(async () => {
  lab = await openLab();
  app = build({
    store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir, receivedDir: receivedDir(),
    extraRoutes: [{ plugin: labFileRoutes, options: { token, store: lab.store, results: lab.results, kernelsDir: kernelsDir(), receivedDir: receivedDir() } }],
  });
});
after(async () => {
  await app.close();
  await lab.cleanup();
});

const put = (url: string, body: string, headers: Record<string, string> = {}) => app.inject({
  method: 'PUT', url, payload: body,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'x-testlab-sha256': sha(body), ...headers },
});
const key = 'cd'.repeat(32);

test('a kernel file comes in with the token and its checksum, and goes out to a worker with the token', async () => {
  const res = await put(`/api/kernels/${key}/bzImage`, 'kernel bytes');
  assert.equal(res.statusCode, 201, res.body);
  assert.deepEqual(res.json(), { sha256: sha('kernel bytes'), bytes: 12 });
  assert.equal(readFileSync(path.join(kernelsDir(), key, 'bzImage'), 'utf8'), 'kernel bytes');
  const got = await app.inject({ url: `/api/kernels/${key}/bzImage`, headers: { authorization: `Bearer ${token}` } });
  assert.equal(got.statusCode, 200);
  assert.equal(got.body, 'kernel bytes');
  assert.equal((await app.inject({ url: `/api/kernels/${key}/bzImage` })).statusCode, 401, 'no token, no kernel');
  assert.equal((await app.inject({ url: `/api/kernels/${key}/System.map`, headers: { authorization: `Bearer ${token}` } })).statusCode, 404);
});

test('a wrong token, a wrong checksum, a name that is not a kernel file: refused, nothing kept', async () => {
  assert.equal((await put(`/api/kernels/${key}/.config`, 'x', { authorization: 'Bearer nope' })).statusCode, 401);
  const bad = await put(`/api/kernels/${key}/.config`, 'config text', { 'x-testlab-sha256': sha('other') });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.json().error, /checksum mismatch/);
  assert.equal((await put(`/api/kernels/${key}/..%2F..%2Fetc%2Fpasswd`, 'x')).statusCode, 400);
  assert.equal((await put(`/api/kernels/not-a-key/bzImage`, 'x')).statusCode, 400);
  assert.equal((await put(`/api/kernels/${key}/.config`, 'x', { 'x-testlab-sha256': 'abc' })).statusCode, 400);
  assert.deepEqual(readdirSync(path.join(kernelsDir(), key)), ['bzImage'], 'no .config, no temp file');
});

test('a run file is taken only for a path the run recorded, and the dashboard serves it from the uploaded copy', async () => {
  const runId = await addRun(lab, { version: '6.12', verdicts: { 'v6LC.1.1.1': 'PASS' } });
  const [artifact] = await lab.results.artifactsWithIds(runId);
  const recorded = artifact!.path;
  // As on another host: the file is not in this dashboard's runs folder.
  const original = readFileSync(recorded, 'utf8');
  rmSync(recorded);
  assert.equal((await app.inject({ url: `/artifacts/${artifact!.id}` })).statusCode, 404);
  assert.equal((await put(`/api/runs/${runId}/files`, 'x', { 'x-testlab-path': '/etc/passwd' })).statusCode, 404);
  assert.equal((await put(`/api/runs/${runId}/files`, original, { 'x-testlab-path': recorded })).statusCode, 201);
  const served = await app.inject({ url: `/artifacts/${artifact!.id}` });
  assert.equal(served.statusCode, 200);
  assert.equal(served.body, original);
  const pcap = (await lab.store.resultsOf(runId))[0]!.pcaps[0]!;
  rmSync(pcap);
  assert.equal((await app.inject({ url: `/runs/${runId}/cases/v6LC.1.1.1/pcaps/0` })).statusCode, 404);
  assert.equal((await put(`/api/runs/${runId}/files`, 'captured', { 'x-testlab-path': pcap })).statusCode, 201);
  assert.equal((await app.inject({ url: `/runs/${runId}/cases/v6LC.1.1.1/pcaps/0` })).body, 'captured');
  assert.equal(existsSync(path.join(receivedDir(), String(runId))), true);
});
