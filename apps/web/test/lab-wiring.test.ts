// The dashboard started from a lab config, in-process (app.inject) on a real SQLite lab.db: the trigger API
// and the subscription routes appear only when the config enables them; a run request is planned into the
// job queue with the lab's own plan context; what cannot be planned is refused with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { wireJobPayload } from '@testlab/core';
import { openSqliteJobQueue } from '@testlab/store-sqlite';
import { build } from '../src/app.js';
import { openWebLab } from '../src/lab-wiring.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const TOKEN = 'lab-wiring-token-0123456789abcdef0123456789';

async function labConfig(dir: string, extra: string): Promise<string> {
  const testsets = path.join(dir, 'testsets');
  await mkdir(testsets, { recursive: true });
  await copyFile(path.join(repoRoot, 'testsets/phase2-host.config'), path.join(testsets, 'phase2-host.config'));
  await writeFile(path.join(testsets, 'smoke.yaml'), 'name: smoke\ntitle: smoke\nmode: host\nengine: builtin\nlinks: 1\nkernelConfig: phase2-host.config\ncases:\n  - v6LC.1.1.1\n');
  const file = path.join(dir, 'labd.yaml');
  await writeFile(file, [
    `home: ${path.join(dir, 'home')}`, `cache: ${path.join(dir, 'cache')}`, `nutImage: ${path.join(dir, 'initramfs.gz')}`,
    `testsets: { dir: ${testsets}, run: [smoke] }`,
    `profiles: { qemu: { baseConfig: tinyconfig, labFragment: ${path.join(repoRoot, 'infra/kernel/qemu-nut.config')} } }`,
    'nuts:', `  - { name: vm-1, driver: qemu, profile: qemu, modes: [host], knownGood: { bzImage: ${path.join(dir, 'bzImage')}, kernelRelease: 6.1.0 } }`,
    `kernels: [{ version: 6.1.192, source: ${path.join(dir, 'linux-src.tar.xz')} }]`,
    extra, '',
  ].join('\n'));
  await mkdir(path.join(dir, 'home'), { recursive: true });
  // Tarballs on the lab host, as the trigger's sources name them (only their names and existence matter here).
  for (const name of ['linux-src.tar.xz', 'kernel.tar.xz', 'linux-6.1.192.tar.xz']) await writeFile(path.join(dir, name), '');
  return file;
}

test('without web.tokenFile or mail: the dashboard only, no POST /api/runs, no subscribing', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'testlab-web-lab-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const lab = await openWebLab({ configFile: await labConfig(dir, 'web: { port: 9999 }') });
  const app = build(lab.build);
  t.after(async () => {
    await app.close();
    await lab.close();
  });
  assert.equal(lab.port, 9999);
  assert.deepEqual(lab.features, []);
  assert.equal((await app.inject({ method: 'GET', url: '/api/status' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'POST', url: '/api/runs', payload: { source: '/x', testset: 'smoke' } })).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: '/subscriptions/new' })).statusCode, 404);
});

test('a token file others can read stops the start with the reason', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'testlab-web-lab-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, TOKEN, { mode: 0o640 });
  await assert.rejects(openWebLab({ configFile: await labConfig(dir, `web: { tokenFile: ${tokenFile} }`) }), /token: readable by group or others \(mode 640\)/);
});

test('with a token and mail: runs are queued as labd would plan them, subscribing is offered', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'testlab-web-lab-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const mail = 'mail: { smtp: { host: 127.0.0.1, port: 2525, tls: none }, from: lab@example.org, baseUrl: "https://lab.example.org" }';
  const lab = await openWebLab({ configFile: await labConfig(dir, `web: { tokenFile: ${tokenFile}, publicUrl: "https://lab.example.org" }\n${mail}`) });
  const app = build(lab.build);
  t.after(async () => {
    await app.close();
    await lab.close();
  });
  assert.deepEqual(lab.features, ['trigger API (POST /api/runs)', 'lab files (PUT /api/kernels, /api/runs/:id/files)', 'bisections (POST /api/bisections)', 'subscriptions']);
  assert.equal((await stat(path.join(dir, 'home', 'mail-secret'))).mode & 0o777, 0o600, 'no secret in the config: the lab made its own');
  assert.equal((await app.inject({ method: 'GET', url: '/subscriptions/new' })).statusCode, 200);
  const post = (payload: object, token = TOKEN) => app.inject({ method: 'POST', url: '/api/runs', headers: { authorization: `Bearer ${token}` }, payload });

  assert.equal((await post({ source: '/srv/linux-6.1.192.tar.xz', testset: 'smoke' }, 'x'.repeat(40))).statusCode, 401);
  const queued = await post({ source: 'https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.3.tar.xz', testset: 'smoke' });
  assert.equal(queued.statusCode, 202, queued.body);
  const { jobId, created } = queued.json() as { jobId: number; created: boolean };
  assert.equal(created, true);
  assert.deepEqual(queued.json(), { jobId, created: true });
  // The configured kernel's version is used for the same source; a known request names the same job.
  const configured = await post({ source: path.join(dir, 'linux-src.tar.xz'), testset: 'smoke' });
  assert.equal(configured.statusCode, 202, configured.body);
  assert.equal(((await post({ source: path.join(dir, 'linux-src.tar.xz'), testset: 'smoke' })).json() as { created: boolean }).created, false);

  const queue = openSqliteJobQueue(path.join(dir, 'home', 'lab.db'));
  const jobs = await queue.list();
  await queue.close();
  const run = jobs.find((j) => j.id === jobId);
  assert.equal(run?.kind, 'run');
  assert.deepEqual(run && wireJobPayload(run), { version: '6.12.3', source: { spec: 'https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.3.tar.xz' }, profile: 'qemu', testset: 'smoke', mode: 'host', extraCmdline: [] });
  assert.deepEqual(jobs.map((j) => [j.kind, ('version' in j.payload ? j.payload.version.text : null)]).sort(), [['build', '6.1.192'], ['build', '6.12.3'], ['run', '6.1.192'], ['run', '6.12.3']]);

  const unknownSet = await post({ source: path.join(dir, 'linux-6.1.192.tar.xz'), testset: 'phase2-router' });
  assert.equal(unknownSet.statusCode, 400);
  assert.match(unknownSet.json().error as string, /test set phase2-router is not configured on this lab \(testsets\.run: smoke\)/);
  const kernelTar = path.join(dir, 'kernel.tar.xz');
  const noVersion = await post({ source: kernelTar, testset: 'smoke' });
  assert.equal(noVersion.statusCode, 400);
  // Neither the name nor the request tells, and the file is no tarball whose Makefile could be read.
  assert.match(noVersion.json().error as string, /cannot read the kernel version from ".*kernel\.tar\.xz": .*; give "version"/);
  const badVersion = await post({ source: kernelTar, testset: 'smoke', version: '6.x' });
  assert.equal(badVersion.statusCode, 400);
  assert.match(badVersion.json().error as string, /invalid kernel version "6\.x"/);
  assert.equal((await post({ source: kernelTar, testset: 'smoke', version: '6.13-rc2' })).statusCode, 202);

  // Sources labd would refuse when it came to build them: refused now, with labd's own reason, nothing queued.
  await writeFile(path.join(dir, 'notes.txt'), '');
  const before = (await jobsIn(dir)).length;
  for (const [request, reason] of [
    [{ source: path.join(dir, 'missing.tar.xz') }, /kernel source .*missing\.tar\.xz does not exist/],
    [{ source: 'ftp://example.org/linux.tar.xz' }, /unsupported kernel source "ftp:/],
    [{ source: path.join(dir, 'notes.txt') }, /is a file but not a tarball/],
    [{ source: 'ssh://-oProxyCommand=touch@example.org/linux.git', ref: 'v6.1' }, /invalid user name/],
    [{ source: kernelTar, ref: 'v6.1' }, /applies to git repositories/],
  ] as const) {
    const refused = await post({ ...request, testset: 'smoke', version: '6.1.1' });
    assert.equal(refused.statusCode, 400, `${request.source}: ${refused.body}`);
    assert.match(refused.json().error as string, reason);
  }
  assert.equal((await jobsIn(dir)).length, before);
});

async function jobsIn(dir: string) {
  const queue = openSqliteJobQueue(path.join(dir, 'home', 'lab.db'));
  try {
    return await queue.list();
  } finally {
    await queue.close();
  }
}

test("a local tarball whose name says nothing is planned as its Makefile's version, with the jobs that version given plans", async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'testlab-web-lab-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const lab = await openWebLab({ configFile: await labConfig(dir, `web: { tokenFile: ${tokenFile} }`) });
  const app = build(lab.build);
  t.after(async () => {
    await app.close();
    await lab.close();
  });
  const post = (payload: object) => app.inject({ method: 'POST', url: '/api/runs', headers: { authorization: `Bearer ${TOKEN}` }, payload });
  // A real tarball: a tree whose top Makefile says 6.1.158, packed by GNU tar under a name that says nothing.
  const tree = path.join(dir, 'src', 'my-tree');
  await mkdir(path.join(tree, 'Documentation'), { recursive: true });
  await writeFile(path.join(tree, 'Documentation', 'Makefile'), 'SPHINXBUILD = sphinx-build\n');
  await writeFile(path.join(tree, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 158\nEXTRAVERSION =\nNAME = Curry Ramen\n');
  const tarball = path.join(dir, 'my-kernel.tar.gz');
  execFileSync('tar', ['-czf', tarball, '-C', path.join(dir, 'src'), 'my-tree']);

  const read = await post({ source: tarball, testset: 'smoke' });
  assert.equal(read.statusCode, 202, read.body);
  const given = await post({ source: tarball, testset: 'smoke', version: '6.1.158' });
  assert.deepEqual(given.json(), { jobId: (read.json() as { jobId: number }).jobId, created: false }, 'the same job: keys do not depend on how the version was learnt');
  const queue = openSqliteJobQueue(path.join(dir, 'home', 'lab.db'));
  const jobs = await queue.list();
  await queue.close();
  assert.deepEqual(jobs.map((j) => [j.kind, ('version' in j.payload ? j.payload.version.text : null)]), [['build', '6.1.158'], ['run', '6.1.158']]);

  await writeFile(path.join(dir, 'not-a-kernel.tar.gz'), 'plain text');
  const bad = await post({ source: path.join(dir, 'not-a-kernel.tar.gz'), testset: 'smoke' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error as string, /cannot read the kernel version from ".*not-a-kernel\.tar\.gz": not-a-kernel\.tar\.gz is not a readable tarball: .*; give "version"/);
  const url = await post({ source: 'https://example.org/builds/my-kernel.tar.gz', testset: 'smoke' });
  assert.equal(url.statusCode, 400);
  assert.match(url.json().error as string, /cannot tell the kernel version from "https:\/\/example\.org\/builds\/my-kernel\.tar\.gz": give "version"/);
});
