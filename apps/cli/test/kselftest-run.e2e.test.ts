// `testlab run --testset kselftest-net-ipv6` through the real CLI: the set's engine (kselftest) is picked,
// Debian's Linux 6.1 is built with the set's fragment (cached after the first time), the net selftests are
// built from that tree, a QEMU NUT boots the Debian root file system with them, and every program's
// results come back stored in the run. Needs the root fs from infra/nut-rootfs/build.sh (infra/setup.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { defaultRootfsImage } from '@testlab/engine-kselftest';
import { labPaths, repoRoot } from '../src/lab-paths.js';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');
const debianSource = '/usr/src/linux-source-6.1.tar.xz';
const rootfs = process.env.TESTLAB_NUT_ROOTFS ?? defaultRootfsImage(labPaths().cache);
const missing = [debianSource, rootfs].filter((f) => !existsSync(f));

test('testlab run picks the kselftest engine and stores per-test results from the NUT', { skip: missing.length > 0 && `missing ${missing.join(', ')} (bash infra/nut-rootfs/build.sh makes the root fs)`, timeout: 60 * 60_000 }, async () => {
  const home = await mkdtemp(path.join(tmpdir(), 'testlab-kselftest-'));
  const env = { ...process.env, TESTLAB_HOME: home };
  const r = await run(process.execPath, [cli, 'run', '--source', debianSource, '--testset', 'kselftest-net-ipv6', '--json'], { env, maxBuffer: 64 << 20 }).catch((e: { code?: number; stdout?: string; stderr?: string }) => {
    assert.fail(`testlab run exited ${e.code}:\n${e.stderr ?? ''}`);
  });
  process.stderr.write(r.stderr.split('\n').filter((l) => l.startsWith('[kselftest')).join('\n') + '\n');
  // The preparation showed its steps before the pipeline's stages.
  // The engine is prepared inside the run: its steps show under the run's build stage.
  assert.match(r.stderr, /\[build\] kselftest: selftests: (net selftests already built|make headers)/);
  assert.match(r.stderr, /\[build\] kselftest: selftests: writing the NUT image/);
  const shown = JSON.parse(r.stdout) as {
    run: { status: string; testset: string; kernelVersion: string | null };
    stages: Array<{ stage: string; status: string }>;
    results: Array<{ caseId: string; verdict: string; reason: string }>;
  };
  assert.equal(shown.run.status, 'done');
  assert.equal(shown.run.testset, 'kselftest-net-ipv6');
  assert.match(shown.run.kernelVersion ?? '', /^6\.1\./);
  // The pipeline's own build was a cache hit of the kernel the engine built first (same request).
  assert.equal(shown.stages.find((s) => s.stage === 'build')?.status, 'cached');
  const tests = (await readFile(path.join(repoRoot, 'testsets/kselftest-net-ipv6.yaml'), 'utf8')).match(/^ {4}- (\S+)/gm)!.map((l) => l.trim().slice(2));
  assert.ok(tests.length >= 5, tests.join(' '));
  for (const t of tests) {
    const result = shown.results.find((x) => x.caseId === `net/${t}`);
    assert.ok(result, `net/${t} has a result`);
    assert.doesNotMatch(result.reason, /not installed on the NUT|lost the NUT/);
  }
  // Per-test results parsed from the NUT's output: fib_rule_tests.sh alone prints dozens of cases.
  assert.ok(shown.results.filter((x) => x.caseId.startsWith('net/fib_rule_tests.sh: ')).length > 20);
  assert.equal(shown.results.find((x) => x.caseId === 'net/ipv6_flowlabel.sh')?.verdict, 'PASS');
});

test('a kselftest kernel that cannot be configured is stored as a run failed at configure', { skip: missing.length > 0 && `missing ${missing.join(', ')}`, timeout: 30 * 60_000 }, async () => {
  const home = await mkdtemp(path.join(tmpdir(), 'testlab-kselftest-'));
  const testsets = await mkdtemp(path.join(tmpdir(), 'testsets-'));
  await cp(path.join(repoRoot, 'testsets'), testsets, { recursive: true });
  const fragment = path.join(testsets, 'kselftest-net-ipv6.config');
  await writeFile(fragment, `${await readFile(fragment, 'utf8')}CONFIG_TESTLAB_NO_SUCH_OPTION=y\n`);
  const env = { ...process.env, TESTLAB_HOME: home, TESTLAB_TESTSETS: testsets };
  const failed = await run(process.execPath, [cli, 'run', '--source', debianSource, '--testset', 'kselftest-net-ipv6'], { env, maxBuffer: 64 << 20 }).then(
    () => assert.fail('the run succeeded'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /\[build\] kselftest: kernel configure: failed; the run records it/);
  assert.match(failed.stderr, /failed at stage configure: .*CONFIG_TESTLAB_NO_SUCH_OPTION/);
  const runs = JSON.parse((await run(process.execPath, [cli, 'runs', '--json'], { env })).stdout) as Array<{ testset: string; status: string; failedStage: string }>;
  assert.deepEqual(runs.map((r) => [r.testset, r.status, r.failedStage]), [['kselftest-net-ipv6', 'failed', 'configure']]);
});
