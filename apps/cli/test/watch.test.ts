// `testlab watch --once --dry-run` as an operator runs it: the built CLI, its own lab home and cache, the real
// releases.json snapshot served from 127.0.0.1 (plus one hostile entry), and a local git tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseKernelVersion } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { repoRoot } from '../src/lab-paths.js';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');
const FIXTURE = '/work/shared/fixtures/kernel-org/releases-2020-12-14.json';

async function testlab(env: Record<string, string>, ...args: string[]) {
  try {
    const r = await run(process.execPath, [cli, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function gitRepo(dir: string): Promise<string> {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@testlab.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@testlab.invalid' };
  const git = (...args: string[]) => run('git', args, { cwd: dir, env });
  await mkdir(dir, { recursive: true });
  await git('init', '-q', '-b', 'master');
  await writeFile(path.join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 98\n');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Linux 6.98');
  await git('tag', 'v6.98');
  await writeFile(path.join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 99\n');
  await git('commit', '-q', '-a', '-m', 'merge window');
  return (await git('rev-parse', 'HEAD')).stdout.trim();
}

/** A temp folder with a throw-away GnuPG home holding one signing key (ed25519: made in a second). */
async function signerHome(t: { after(fn: () => Promise<void>): void }, prefix: string, uid: string) {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const gnupg = path.join(dir, 'gnupg');
  await mkdir(gnupg, { mode: 0o700 });
  t.after(async () => {
    await run('gpgconf', ['--homedir', gnupg, '--kill', 'gpg-agent']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  const gpg = (...args: string[]) => run('gpg', ['--homedir', gnupg, '--batch', '--no-tty', ...args], { encoding: 'buffer', maxBuffer: 64 << 20 });
  await gpg('--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never');
  return { dir, gnupg, gpg };
}

test('watch --once --dry-run --json: the real feed and a git tree, each kernel new or known, the hostile entry skipped; a bad feed is reported', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'testlab-watch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const env = { TESTLAB_HOME: path.join(dir, 'home'), TESTLAB_CACHE: path.join(dir, 'cache') };

  const feed = JSON.parse(await readFile(FIXTURE, 'utf8')) as { releases: Record<string, unknown>[] };
  feed.releases.push({ ...feed.releases[1], version: '6.12; rm -rf /' });
  const bodies = new Map([['/releases.json', JSON.stringify(feed)], ['/broken.json', '<html>502</html>']]);
  const server = createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  // The lab already ran 5.10: that one is known.
  await mkdir(env.TESTLAB_HOME, { recursive: true });
  const store = openSqliteStore(path.join(env.TESTLAB_HOME, 'lab.db'));
  const kernel = await store.upsertKernel({ version: parseKernelVersion('5.10'), sourceLabel: 'test', sourceHash: 'sha256:00' });
  const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: 'k', kernelRelease: '5.10.0', fromCache: false });
  const runRecord = await store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: 'test', ownerPid: process.pid });
  await store.attachKernel(runRecord.id, kernel.id, build.id);
  await store.finishRun(runRecord.id, { status: 'done' });
  await store.close();

  const head = await gitRepo(path.join(dir, 'linux'));
  const out = await testlab(env, 'watch', '--once', '--dry-run', '--releases-url', `${base}/releases.json`, '--git-tree', `lab=${path.join(dir, 'linux')}`, '--branch', 'master', '--json');
  assert.equal(out.code, 0, out.stderr);
  const report = JSON.parse(out.stdout) as { dryRun: boolean; sources: Array<{ source: string; error?: string; found: Array<{ version: string; kind: string; stream: string; status: string }>; skipped: Array<{ entry: string; reason: string }> }> };
  assert.equal(report.dryRun, true);
  const [releases, tree] = report.sources;
  assert.equal(releases?.source, `releases-json ${base}/releases.json`);
  assert.deepEqual(releases?.found.map((f) => [f.status, f.version, f.kind, f.stream]), [
    ['known', '5.10', 'final', 'mainline'],
    ['new', '5.10.1', 'stable', 'stable'],
  ]);
  assert.equal(releases?.skipped.length, 1);
  assert.match(releases?.skipped[0]?.reason ?? '', /invalid kernel version "6\.12; rm -rf \/"/);
  assert.deepEqual(tree?.found.map((f) => [f.status, f.version, f.stream]), [
    ['new', '6.98', 'lab'],
    ['new', `v6.98-1-g${head.slice(0, 12)}`, 'lab/master'],
  ]);

  const human = await testlab(env, 'watch', '--once', '--dry-run', '--releases-url', `${base}/releases.json`);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /\n +known +5\.10 +mainline +2020-12-13 +https:\/\/cdn\.kernel\.org\/pub\/linux\/kernel\/v5\.x\/linux-5\.10\.tar\.xz\n/);
  assert.match(human.stdout, /\n +skipped releases\[2\] version "6\.12; rm -rf \/": invalid kernel version/);
  assert.match(human.stdout, /\(dry run: nothing enqueued\)\n$/);

  const broken = await testlab(env, 'watch', '--once', '--dry-run', '--releases-url', `${base}/broken.json`, '--git-tree', `lab=${path.join(dir, 'linux')}`, '--json');
  assert.equal(broken.code, 1);
  const brokenReport = JSON.parse(broken.stdout) as typeof report;
  assert.match(brokenReport.sources[0]?.error ?? '', /broken\.json is not a usable releases\.json: invalid JSON/);
  assert.deepEqual(brokenReport.sources[1]?.found.map((f) => f.version), ['6.98'], 'the other source still polled');

  const enqueue = await testlab(env, 'watch', '--once', '--releases-url', `${base}/releases.json`);
  assert.equal(enqueue.code, 2);
  assert.match(enqueue.stderr, /enqueueing needs the lab's job queue: give --config <labd\.yaml>, or add --dry-run/);
});

test('watch --once --config: new kernels are planned into the lab\'s job queue as labd would; a second poll finds them known and adds nothing', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'testlab-watch-queue-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = createServer((req, res) => {
    if (req.url !== '/releases.json') res.writeHead(404).end();
    else void readFile(FIXTURE).then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/releases.json`;

  // A lab with one host-mode test set and one QEMU NUT kind (nothing here boots: only planning is exercised).
  const testsets = path.join(dir, 'testsets');
  await mkdir(testsets);
  await copyFile(path.join(repoRoot, 'testsets/phase2-host.config'), path.join(testsets, 'phase2-host.config'));
  await writeFile(path.join(testsets, 'smoke.yaml'), 'name: smoke\ntitle: smoke\nmode: host\nengine: builtin\nlinks: 1\nkernelConfig: phase2-host.config\ncases:\n  - v6LC.1.1.1\n');
  const home = path.join(dir, 'lab');
  const config = path.join(dir, 'labd.yaml');
  await writeFile(config, [
    `home: ${home}`, `cache: ${path.join(dir, 'cache')}`, `nutImage: ${path.join(dir, 'initramfs.gz')}`,
    `testsets: { dir: ${testsets}, run: [smoke] }`,
    `profiles: { qemu: { baseConfig: tinyconfig, labFragment: ${path.join(repoRoot, 'infra/kernel/qemu-nut.config')} } }`,
    'nuts:', `  - { name: vm-1, driver: qemu, profile: qemu, modes: [host], knownGood: { bzImage: ${path.join(dir, 'bzImage')}, kernelRelease: 6.1.0 } }`, '',
  ].join('\n'));
  await mkdir(home, { recursive: true });
  const env = { TESTLAB_HOME: path.join(dir, 'elsewhere'), TESTLAB_CACHE: path.join(dir, 'elsewhere-cache') };

  const first = await testlab(env, 'watch', '--once', '--config', config, '--releases-url', url, '--json');
  assert.equal(first.code, 0, first.stderr);
  const report = JSON.parse(first.stdout) as { dryRun: boolean; sources: Array<{ found: Array<{ version: string; status: string }> }>; enqueued: Array<{ version: string; jobs: number }> };
  assert.equal(report.dryRun, false);
  const found = report.sources[0]?.found ?? [];
  assert.ok(found.length > 0);
  assert.deepEqual(found.map((f) => f.status), found.map(() => 'new'), 'an empty queue knows no kernel');
  // One build and one run per kernel: one test set, one NUT kind.
  assert.deepEqual(report.enqueued, found.map((f) => ({ version: f.version, jobs: 2, unplaceable: [] })));

  const queue = openSqliteJobQueue(path.join(home, 'lab.db'));
  const jobs = await queue.list();
  await queue.close();
  assert.deepEqual(jobs.map((j) => [j.kind, ('version' in j.payload ? j.payload.version.text : null), j.status]).sort(),
    found.flatMap((f) => [['build', f.version, 'queued'], ['run', f.version, 'queued']]).sort());
  assert.ok(jobs.filter((j) => j.kind === 'run').every((j) => j.payload.testset === 'smoke'));

  const second = await testlab(env, 'watch', '--once', '--config', config, '--releases-url', url);
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stdout, /\n +new /);
  assert.doesNotMatch(second.stdout, /enqueued/);
  const again = openSqliteJobQueue(path.join(home, 'lab.db'));
  assert.equal((await again.list()).length, jobs.length, 'a second poll adds nothing');
  await again.close();

  const broken = await testlab(env, 'watch', '--once', '--config', path.join(dir, 'missing.yaml'), '--releases-url', url);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /missing\.yaml: invalid configuration:\n +.*cannot read/);
});

test('watch --once --dry-run --verify: a tarball signed by a key in --keyring is verified, one signed over other bytes is rejected alone', async (t) => {
  const { dir, gpg } = await signerHome(t, 'testlab-watch-verify-', 'CLI Test Signer <cli@testlab.invalid>');
  const env = { TESTLAB_HOME: path.join(dir, 'home'), TESTLAB_CACHE: path.join(dir, 'cache') };
  const keyring = path.join(dir, 'signers.gpg');
  await writeFile(keyring, (await gpg('--export')).stdout);

  // Two small real tars (what kernel.org signs is the tar; the signature does not care what is inside).
  await mkdir(path.join(dir, 'tree'));
  await writeFile(path.join(dir, 'tree/Makefile'), 'VERSION = 6\nPATCHLEVEL = 98\n');
  await run('tar', ['-cf', path.join(dir, 'a.tar'), '-C', path.join(dir, 'tree'), 'Makefile']);
  await writeFile(path.join(dir, 'tree/Makefile'), 'VERSION = 6\nPATCHLEVEL = 98\n# changed\n');
  await run('tar', ['-cf', path.join(dir, 'b.tar'), '-C', path.join(dir, 'tree'), 'Makefile']);
  await gpg('--armor', '--detach-sign', '--output', path.join(dir, 'a.tar.sign'), path.join(dir, 'a.tar'));
  await run('xz', ['-k', '-0', path.join(dir, 'a.tar'), path.join(dir, 'b.tar')]);

  const files = new Map([
    ['/linux-6.98.tar.xz', path.join(dir, 'a.tar.xz')],
    ['/linux-6.98.tar.sign', path.join(dir, 'a.tar.sign')],
    ['/linux-6.98.1.tar.xz', path.join(dir, 'b.tar.xz')],
    ['/linux-6.98.1.tar.sign', path.join(dir, 'a.tar.sign')],
  ]);
  let base = '';
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/releases.json') {
        const entry = (moniker: string, version: string) => ({
          iseol: false, version, moniker, source: `${base}/linux-${version}.tar.xz`, pgp: `${base}/linux-${version}.tar.sign`,
          released: { timestamp: 1736200000, isodate: '2025-01-06' }, gitweb: null, changelog: null, diffview: null, patch: { full: null, incremental: null },
        });
        res.writeHead(200).end(JSON.stringify({ releases: [entry('mainline', '6.98'), entry('stable', '6.98.1')] }));
        return;
      }
      const file = files.get(req.url ?? '');
      if (file === undefined) res.writeHead(404).end();
      else res.writeHead(200).end(await readFile(file));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const out = await testlab(env, 'watch', '--once', '--dry-run', '--verify', '--keyring', keyring, '--releases-url', `${base}/releases.json`, '--json');
  assert.equal(out.code, 0, out.stderr);
  const found = (JSON.parse(out.stdout) as { sources: Array<{ found: Array<{ version: string; status: string; note?: string; verifiedBy?: string }> }> }).sources[0]?.found ?? [];
  assert.deepEqual(found.map((f) => [f.version, f.status]), [['6.98', 'new'], ['6.98.1', 'rejected']]);
  assert.match(found[0]?.verifiedBy ?? '', /^pgp [0-9A-F]{40} \(CLI Test Signer <cli@testlab\.invalid>\)$/);
  assert.match(found[1]?.note ?? '', /^kernel 6\.98\.1 \(stable\) rejected: BAD PGP signature by CLI Test Signer/);
});

test('watch --once --dry-run --tag-keyring: a git tag signed by a key in the keyring is new, an unsigned one is skipped with the reason', async (t) => {
  const { dir, gnupg, gpg } = await signerHome(t, 'testlab-watch-tags-', 'Tag Signer <tags@testlab.invalid>');
  const keyring = path.join(dir, 'tag-signers.gpg');
  await writeFile(keyring, (await gpg('--export')).stdout);
  const fpr = (await gpg('--with-colons', '--list-secret-keys')).stdout.toString().split('\n').find((l) => l.startsWith('fpr:'))!.split(':')[9]!;

  const repo = path.join(dir, 'linux');
  await gitRepo(repo);
  const env = { ...process.env, GNUPGHOME: gnupg, GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@testlab.invalid' };
  await run('git', ['-c', `user.signingkey=${fpr}`, 'tag', '-s', '-m', 'Linux 6.99-rc1', 'v6.99-rc1'], { cwd: repo, env });
  await run('git', ['tag', '-a', '-m', 'Linux 6.99-rc2 (unsigned)', 'v6.99-rc2'], { cwd: repo, env });

  const home = { TESTLAB_HOME: path.join(dir, 'home'), TESTLAB_CACHE: path.join(dir, 'cache') };
  const out = await testlab(home, 'watch', '--once', '--dry-run', '--no-releases', '--git-tree', `lab=${repo}`, '--tag-keyring', keyring, '--json');
  assert.equal(out.code, 0, out.stderr);
  const [tree] = (JSON.parse(out.stdout) as { sources: Array<{ found: Array<{ version: string; status: string }>; skipped: Array<{ entry: string; reason: string }> }> }).sources;
  assert.deepEqual(tree?.found.map((f) => [f.version, f.status]), [['6.99-rc1', 'new']], 'only the signed tag is taken');
  const skipped = JSON.stringify(tree?.skipped);
  assert.match(skipped, /v6\.99-rc2[^}]*without a signature/, `the unsigned tag is skipped with the reason: ${skipped}`);
  // v6.98 is a lightweight tag: with a keyring it cannot be vouched for either.
  assert.match(skipped, /v6\.98[^}]*lightweight/, skipped);
});
