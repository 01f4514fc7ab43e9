// A loaded test set and its engine: every set in testsets/ names a known engine; an unknown one is refused
// listing the known ones; tahi without a tester file and kselftest without its root fs fail before any
// kernel build (the builder here records calls and refuses to build); check() refuses what prepare() would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentProgress, StageError, type BuildRequest, type EnginePaths, type EnginePrepare, type KernelBuilder, type TestSet } from '@testlab/core';
import { kernelSourceFrom } from '@testlab/kernel-sources';
import { ENGINES, checkEngine, engineDriver, prepareEngine } from '@testlab/engines';
import { KSELFTEST_NUT_MEMORY_MIB } from '@testlab/engine-kselftest';
import { listTestSets, loadTestSet } from '../src/index.js';

/** packages/testsets/dist/test/ -> the repository root. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const testsets = path.join(repoRoot, 'testsets');
const dir = mkdtempSync(path.join(tmpdir(), 'testlab-engines-'));
const paths: EnginePaths = { cache: path.join(dir, 'cache') };
const exampleTester = path.join(repoRoot, 'infra/tahi/tester.example.yaml');

function refusingBuilder(): KernelBuilder & { calls: number } {
  const builder = {
    calls: 0,
    build: async () => {
      builder.calls++;
      throw new Error('this test builds no kernel');
    },
  };
  return builder;
}

type Request = Omit<EnginePrepare, 'section'> & { testset: TestSet };

async function request(name: string, builder: KernelBuilder, tahiTester?: string): Promise<Request> {
  const testset = await loadTestSet(testsets, name);
  const build: BuildRequest = { source: kernelSourceFrom('/usr/src/linux-source-6.1.tar.xz'), baseConfig: 'tinyconfig', fragments: [testset.kernelConfig] };
  return { paths, testset, build, builder, ...(tahiTester ? { tahiTester } : {}), progress: () => silentProgress };
}
const check = (r: Request) => checkEngine(r.testset, r);
const prepare = (r: Request) => prepareEngine(r.testset, r);

/** The example file with a key file beside it, edited by `edit`. */
function testerFile(edit: (text: string) => string = (t) => t): string {
  const folder = mkdtempSync(path.join(dir, 'tester-'));
  const { privateKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  writeFileSync(path.join(folder, 'tahi_ed25519'), privateKey, { mode: 0o600 });
  const file = path.join(folder, 'tester.yaml');
  writeFileSync(file, edit(readFileSync(exampleTester, 'utf8').replace('keys/tahi_ed25519', 'tahi_ed25519')));
  return file;
}

test('every test set in testsets/ names an engine the lab has', async () => {
  const names = await listTestSets(testsets);
  const engines = new Set<string>();
  for (const name of names) {
    const testset = await loadTestSet(testsets, name);
    assert.doesNotThrow(() => engineDriver(testset.engine, name), name);
    engines.add(testset.engine);
  }
  // The sets use all three engines, so each is picked by some set.
  assert.deepEqual([...engines].sort(), Object.keys(ENGINES).sort());
});

test('an unknown engine is refused, naming the set and listing the known engines', () => {
  assert.throws(() => engineDriver('ns3', 'my-set'), /test set my-set names engine "ns3"; the lab knows: builtin, kselftest, tahi/);
  // Not a property of every object.
  assert.throws(() => engineDriver('toString', 'my-set'), /names engine "toString"/);
});

test('a tahi set without a tester file fails naming the flag (or the lab config key), before any build', async () => {
  const builder = refusingBuilder();
  await assert.rejects(prepare(await request('tahi-phase1-host', builder)), /tahi-phase1-host runs on TAHI: pass --tahi-tester <file\.yaml>/);
  assert.equal(builder.calls, 0);
  // labd says where its own setting goes.
  const req = await request('tahi-phase1-host', builder);
  await assert.rejects(check({ ...req, tahiTesterOrigin: 'set tahi.testerFile in labd.yaml' }), /runs on TAHI: set tahi\.testerFile in labd\.yaml describing/);
});

test('a tahi set with the example tester file gets the TAHI engine, on the usual NUT system', async () => {
  const builder = refusingBuilder();
  const req = await request('tahi-phase1-host', builder, testerFile());
  await check(req);
  const engine = await prepare(req);
  assert.equal(engine.id, 'tahi');
  assert.equal(engine.nut, undefined);
  assert.equal(builder.calls, 0);
  assert.equal(ENGINES.tahi?.ownNutImage, false, 'an SSH machine NUT can run TAHI sets');
});

test('a tahi set needing more links than the tester file names is refused', async () => {
  // tahi-conformance-ipsec-sgw needs 2 links; keep only eth1.
  const file = testerFile((t) => t.replace(/^ {4}- \{ ifname: eth2.*\n/m, ''));
  const req = await request('tahi-conformance-ipsec-sgw', refusingBuilder(), file);
  await assert.rejects(prepare(req), /needs 2 links but .* tn\.links names 1/);
  await assert.rejects(check(req), /needs 2 links but .* tn\.links names 1/);
});

test('a kselftest set without the root fs image fails naming the build script, before any build', async () => {
  const builder = refusingBuilder();
  const missing = (e: Error) => e.message.includes(path.join(paths.cache, 'nut-rootfs/rootfs.cpio.gz')) && e.message.includes('bash infra/nut-rootfs/build.sh');
  const req = await request('kselftest-net-ipv6', builder);
  await assert.rejects(prepare(req), missing);
  await assert.rejects(check(req), missing);
  // An image named explicitly (TESTLAB_NUT_ROOTFS, labd's nutRootfs) is the one looked for.
  const elsewhere = path.join(dir, 'no-such-rootfs.cpio.gz');
  await assert.rejects(check({ ...req, paths: { ...paths, rootfsImage: elsewhere } }), (e: Error) => e.message.includes(elsewhere));
  assert.equal(builder.calls, 0);
  assert.ok(KSELFTEST_NUT_MEMORY_MIB >= 768, 'the Debian root fs needs at least 768 MiB');
  assert.equal(ENGINES.kselftest?.ownNutImage, true, 'only QEMU NUTs can boot the selftests image');
});

test('a kselftest kernel that fails to build is left to the pipeline, which stores the failed run', async () => {
  const rootfs = path.join(dir, 'rootfs.cpio.gz');
  writeFileSync(rootfs, '');
  const withRootfs = async (builder: KernelBuilder) => ({ ...(await request('kselftest-net-ipv6', builder)), paths: { ...paths, rootfsImage: rootfs } });
  let calls = 0;
  const failing: KernelBuilder = {
    build: async () => {
      calls++;
      throw new StageError('configure', 'CONFIG_X not set', '/tmp/configure.log');
    },
  };
  const engine = await prepare(await withRootfs(failing));
  assert.equal(calls, 1);
  assert.equal(engine.id, 'kselftest');
  // No image of its own: the pipeline fails at the same stage first and never boots.
  assert.equal(engine.nut, undefined);
  // Anything else (a bug, a full disk) is not a kernel verdict: it stops the run.
  const broken: KernelBuilder = { build: async () => Promise.reject(new Error('EIO')) };
  await assert.rejects(prepare(await withRootfs(broken)), /EIO/);
});

test('the builtin engine boots the usual NUT system and builds nothing before the run', async () => {
  const builder = refusingBuilder();
  const engine = await prepare(await request('phase2-host', builder));
  assert.equal(engine.id, 'builtin');
  assert.equal(engine.nut, undefined);
  assert.equal(builder.calls, 0);
});

test('a kselftest set is checked against its own engine when loaded: a builtin id there is refused', async () => {
  // A kselftest set "lists" its programs as net/<program>; the loader checks cases against that catalogue.
  const folder = mkdtempSync(path.join(dir, 'sets-'));
  writeFileSync(path.join(folder, 'k.config'), 'CONFIG_IPV6=y\n');
  writeFileSync(path.join(folder, 'k.yaml'), 'name: k\ntitle: t\nmode: host\nengine: kselftest\nlinks: 1\nkernelConfig: k.config\ncases: [v6LC.1.1.1]\nkselftest:\n  tests: [icmp.sh]\n');
  await assert.rejects(loadTestSet(folder, 'k'), /names cases the kselftest engine does not have: v6LC\.1\.1\.1/);
  writeFileSync(path.join(folder, 'b.yaml'), 'name: b\ntitle: t\nmode: host\nengine: builtin\nlinks: 1\nkernelConfig: k.config\ncases: [v6LC.1.1.1, v6LC.5.9.9]\n');
  await assert.rejects(loadTestSet(folder, 'b'), /names cases the builtin engine does not have: v6LC\.5\.9\.9/);
  assert.ok(ENGINES.builtin.catalogue({}).has('v6LC.1.1.1'));
});
