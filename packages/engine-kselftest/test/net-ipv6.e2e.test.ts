// The kselftest driver on Linux 6.1 for real: the kernel built with the test set's fragment, the net
// selftests built from the same tree, a QEMU NUT booted from the Debian root file system with them, and
// the test set's IPv6 tests run on it. Slow the first time (kernel + selftests build); cached after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from '@testlab/core';
import { kernelSourceFrom } from '@testlab/kernel-sources';
import { createKernelBuilder } from '@testlab/builder';
import { createQemuNutDriver } from '@testlab/nut-drivers';
import { createKselftestEngine, defaultRootfsImage, prepareSelftestsNutImage } from '../src/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const cache = process.env.TESTLAB_CACHE ?? path.join(os.homedir(), '.cache/testlab');
const tarball = process.env.TESTLAB_LINUX_61 ?? '/usr/src/linux-source-6.1.tar.xz';
const rootfs = process.env.TESTLAB_NUT_ROOTFS ?? defaultRootfsImage(cache);
const missing = [tarball, rootfs].filter((f) => !existsSync(f));
const log = (s: string) => process.stderr.write(`[kselftest e2e] ${s}\n`);
const progress = { step: log, fraction: () => {} };

test('kselftest-net-ipv6 on a QEMU NUT running Linux 6.1', { skip: missing.length > 0 && `missing ${missing.join(', ')} (infra/nut-rootfs/build.sh)`, timeout: 60 * 60_000 }, async () => {
  const set = readTestSet(readFileSync(path.join(repo, 'testsets/kselftest-net-ipv6.yaml'), 'utf8'));
  const t0 = Date.now();
  const built = await createKernelBuilder({ cacheDir: cache }).build(
    {
      source: kernelSourceFrom(tarball),
      baseConfig: 'tinyconfig',
      fragments: [
        { origin: 'lab', text: readFileSync(path.join(repo, 'infra/kernel/qemu-nut.config'), 'utf8') },
        { origin: 'testset kselftest-net-ipv6', text: readFileSync(path.join(repo, 'testsets', set.kernelConfig), 'utf8') },
      ],
      withTree: true,
    },
    { stageStarted: () => progress, stageFinished: (s, how) => log(`kernel ${s}: ${how}`) },
  );
  // The builder's unpacked tree (cache layout trees/<source hash>/src): the selftests come from it.
  const tree = built.sourceTree!;
  assert.ok(existsSync(path.join(tree, 'tools/testing/selftests/net')), tree);
  const { image, selftests } = await prepareSelftestsNutImage({ tree, cacheDir: cache, kernelCacheKey: built.cacheKey, rootfsImage: rootfs, progress });
  log(`selftests not built: ${selftests.notBuilt.join(', ') || 'none'}`);
  log(`ready to boot after ${Math.round((Date.now() - t0) / 1000)} s`);

  const driver = createQemuNutDriver({ stateDir: mkdtempSync(path.join(os.tmpdir(), 'kselftest-nut-')), baseInitramfs: image, memoryMiB: 1024 });
  const artifactsDir = mkdtempSync(path.join(os.tmpdir(), 'kselftest-e2e-'));
  const nut = await driver.boot(
    { kernel: { bzImage: built.artifacts.bzImage, kernelRelease: built.kernelRelease }, links: 1, consoleLog: path.join(artifactsDir, 'console.log'), deadlineMs: 180_000 },
    progress,
  );
  const stored: CaseResult[] = [];
  const started = Date.now();
  try {
    const results = await createKselftestEngine(set.kselftest, { baseInitramfs: image }).run({
      nut,
      mode: 'host',
      cases: [],
      artifactsDir,
      progress,
      onResult: async (r) => {
        stored.push(r);
        log(`${r.verdict.padEnd(5)} ${r.caseId}${r.verdict === 'PASS' ? '' : `: ${r.reason}`}`);
      },
    });
    log(`${results.length} results in ${Math.round((Date.now() - started) / 1000)} s; logs in ${artifactsDir}/kselftest`);
    assert.deepEqual(stored, results);
    // Every chosen program ran (none missing from the image) and got its own result.
    for (const t of set.kselftest.tests) {
      const r = results.find((x) => x.caseId === `net/${t}`);
      assert.ok(r, `net/${t} has a result`);
      assert.doesNotMatch(r.reason, /not installed on the NUT/);
    }
    // The cases the shell tests print were read: fib_rule_tests.sh alone prints dozens.
    assert.ok(results.filter((r) => r.caseId.startsWith('net/fib_rule_tests.sh: ')).length > 20);
    assert.equal(results.find((r) => r.caseId === 'net/ipv6_flowlabel.sh')?.verdict, 'PASS');
    // Linux 6.1 passes its own IPv6 rule and unsolicited-NA cases (with netbase's /etc/protocols on the NUT).
    const ipv6Cases = results.filter((r) => /^net\/fib_rule_tests\.sh: rule6 |^net\/ndisc_unsolicited_na_test\.sh: /.test(r.caseId));
    assert.ok(ipv6Cases.length >= 30, `${ipv6Cases.length} IPv6 cases`);
    assert.deepEqual(ipv6Cases.filter((r) => r.verdict !== 'PASS').map((r) => r.caseId), []);
  } finally {
    await nut.shutdown();
  }
});

/** The fields this test needs from the test set (packages/testsets validates the whole file). */
function readTestSet(text: string): { kernelConfig: string; kselftest: { tests: string[]; timeoutS: number } } {
  const kernelConfig = /^kernelConfig: (\S+)$/m.exec(text)?.[1];
  const timeoutS = Number(/^  timeoutS: ([0-9]+)$/m.exec(text)?.[1]);
  const tests = [...(/^  tests:\n((?:    - .*\n)+)/m.exec(text)?.[1] ?? '').matchAll(/^    - (\S+)/gm)].map((m) => m[1]!);
  assert.ok(kernelConfig && timeoutS > 0 && tests.length > 0, 'kselftest-net-ipv6.yaml has kernelConfig, kselftest.timeoutS and kselftest.tests');
  return { kernelConfig, kselftest: { tests, timeoutS } };
}
