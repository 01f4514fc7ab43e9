// Picking a test set's engine: every set in testsets/ names a known engine; an unknown one is refused
// listing the known ones; tahi without --tahi-tester and kselftest without its root fs fail before any
// kernel build (the builder here records calls and refuses to build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { StageError, type BuildRequest, type KernelBuilder } from '@testlab/core';
import { kernelSourceFrom } from '@testlab/kernel-sources';
import { listTestSets, loadTestSetDefinition } from '@testlab/testsets';
import { labPaths, repoRoot } from '../src/lab-paths.js';
import { ENGINES, engineFor } from '../src/engines/registry.js';
import type { EngineRequest } from '../src/engines/engine.js';
import { KSELFTEST_NUT_MEMORY_MIB } from '../src/engines/kselftest.js';
import { stepProgress } from '../src/engines/step-progress.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-engines-'));
const paths = labPaths({ TESTLAB_HOME: path.join(dir, 'home'), TESTLAB_CACHE: path.join(dir, 'cache') });
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

async function request(name: string, builder: KernelBuilder, tahiTester?: string): Promise<EngineRequest> {
  const definition = await loadTestSetDefinition(paths.testsets, name);
  const build: BuildRequest = { source: kernelSourceFrom('/usr/src/linux-source-6.1.tar.xz'), baseConfig: 'tinyconfig', fragments: [definition.testset.kernelConfig] };
  const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
  return { paths, testset: definition.testset, definition, build, builder, ...(tahiTester ? { tahiTester } : {}), progress: stepProgress(quiet) };
}

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
  const names = await listTestSets(paths.testsets);
  const engines = new Set<string>();
  for (const name of names) {
    const { testset } = await loadTestSetDefinition(paths.testsets, name);
    assert.doesNotThrow(() => engineFor(testset.engine, name), name);
    engines.add(testset.engine);
  }
  // The sets use all three engines, so each is picked by some set.
  assert.deepEqual([...engines].sort(), Object.keys(ENGINES).sort());
});

test('an unknown engine is refused, naming the set and listing the known engines', () => {
  assert.throws(() => engineFor('ns3', 'my-set'), /test set my-set names engine "ns3"; the lab knows: builtin, kselftest, tahi/);
  // Not a property of every object.
  assert.throws(() => engineFor('toString', 'my-set'), /names engine "toString"/);
});

test('a tahi set without --tahi-tester fails naming the flag, before any build', async () => {
  const builder = refusingBuilder();
  await assert.rejects(engineFor('tahi', 'tahi-phase1-host').prepare(await request('tahi-phase1-host', builder)), /tahi-phase1-host runs on TAHI: pass --tahi-tester <file\.yaml>/);
  assert.equal(builder.calls, 0);
});

test('the real CLI refuses a tahi set without --tahi-tester and stores no run', async () => {
  const home = mkdtempSync(path.join(dir, 'cli-home-'));
  const env = { ...process.env, TESTLAB_HOME: home };
  const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');
  const r = await promisify(execFile)(process.execPath, [cli, 'run', '--source', '/usr/src/linux-source-6.1.tar.xz', '--testset', 'tahi-phase1-host'], { env }).then(
    () => assert.fail('the run started'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pass --tahi-tester <file\.yaml>/);
  const runs = await promisify(execFile)(process.execPath, [cli, 'runs', '--json'], { env });
  assert.deepEqual(JSON.parse(runs.stdout), []);
});

test('a tahi set with the example tester file gets the TAHI suite on the small NUT image', async () => {
  const builder = refusingBuilder();
  const drivers = await engineFor('tahi', 'tahi-phase1-host').prepare(await request('tahi-phase1-host', builder, testerFile()));
  assert.equal(drivers.suite.id, 'tahi');
  assert.deepEqual(drivers.nut, { baseInitramfs: paths.nutImage });
  assert.equal(builder.calls, 0);
});

test('a tahi set needing more links than the tester file names is refused', async () => {
  // tahi-conformance-ipsec-sgw needs 2 links; keep only eth1.
  const file = testerFile((t) => t.replace(/^ {4}- \{ ifname: eth2.*\n/m, ''));
  await assert.rejects(engineFor('tahi', 'tahi-conformance-ipsec-sgw').prepare(await request('tahi-conformance-ipsec-sgw', refusingBuilder(), file)), /needs 2 links but .* tn\.links names 1/);
});

test('a kselftest set without the root fs image fails naming the build script, before any build', async () => {
  const saved = process.env.TESTLAB_NUT_ROOTFS;
  delete process.env.TESTLAB_NUT_ROOTFS;
  try {
    const builder = refusingBuilder();
    await assert.rejects(
      engineFor('kselftest', 'kselftest-net-ipv6').prepare(await request('kselftest-net-ipv6', builder)),
      (e: Error) => e.message.includes(path.join(paths.cache, 'nut-rootfs/rootfs.cpio.gz')) && e.message.includes('bash infra/nut-rootfs/build.sh'),
    );
    assert.equal(builder.calls, 0);
  } finally {
    if (saved !== undefined) process.env.TESTLAB_NUT_ROOTFS = saved;
  }
  assert.ok(KSELFTEST_NUT_MEMORY_MIB >= 768, 'the Debian root fs needs at least 768 MiB');
});

test('a kselftest kernel that fails to build is left to the pipeline, which stores the failed run', async () => {
  const rootfs = path.join(dir, 'rootfs.cpio.gz');
  writeFileSync(rootfs, '');
  const saved = process.env.TESTLAB_NUT_ROOTFS;
  process.env.TESTLAB_NUT_ROOTFS = rootfs;
  try {
    let calls = 0;
    const failing: KernelBuilder = {
      build: async () => {
        calls++;
        throw new StageError('configure', 'CONFIG_X not set', '/tmp/configure.log');
      },
    };
    const drivers = await engineFor('kselftest', 'kselftest-net-ipv6').prepare(await request('kselftest-net-ipv6', failing));
    assert.equal(calls, 1);
    assert.equal(drivers.suite.id, 'kselftest');
    // Never booted: the pipeline fails at the same stage first.
    assert.deepEqual(drivers.nut, { baseInitramfs: paths.nutImage });
    // Anything else (a bug, a full disk) is not a kernel verdict: it stops the run.
    const broken: KernelBuilder = { build: async () => Promise.reject(new Error('EIO')) };
    await assert.rejects(engineFor('kselftest', 'kselftest-net-ipv6').prepare(await request('kselftest-net-ipv6', broken)), /EIO/);
  } finally {
    if (saved === undefined) delete process.env.TESTLAB_NUT_ROOTFS;
    else process.env.TESTLAB_NUT_ROOTFS = saved;
  }
});

test('the builtin engine keeps the small image and the lab suite', async () => {
  const drivers = await engineFor('builtin', 'phase2-host').prepare(await request('phase2-host', refusingBuilder()));
  assert.equal(drivers.suite.id, 'builtin');
  assert.deepEqual(drivers.nut, { baseInitramfs: paths.nutImage });
});
