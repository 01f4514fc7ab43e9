// labd runs a builtin IPsec set, nothing mocked: the shipped phase2-ipsec-sgw set (unchanged, with its
// kernel fragment) queued for Linux 6.1, its QEMU NUT booted with two links into security-gateway mode,
// every case judged with its SAs set by `ip xfrm` and their keys recorded beside the captures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { cacheDir, cachedKernel, kernelTarball, LabdProcess, nutImage, removeLab, repoRoot } from './lab-fixture.js';

/** A cached QEMU-NUT kernel built from Debian's 6.1 tarball (other worktrees cache other versions beside it). */
const skip = !cachedKernel() && 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';
const SET = 'phase2-ipsec-sgw';

async function writeConfig(): Promise<{ home: string; file: string }> {
  const kernel = cachedKernel()!;
  const home = await mkdtemp(path.join(os.tmpdir(), 'testlab-labd-ipsec-'));
  const testsets = path.join(home, 'testsets');
  await mkdir(testsets);
  for (const f of [`${SET}.yaml`, 'ipsec.config']) await copyFile(path.join(repoRoot, 'testsets', f), path.join(testsets, f));
  // The set names the INDEX files it stands for; coverage reads them, the run does not.
  await mkdir(path.join(testsets, 'tahi-index/ipsec.p2'), { recursive: true });
  await copyFile(path.join(repoRoot, 'testsets/tahi-index/ipsec.p2/INDEX_P2_SGW'), path.join(testsets, 'tahi-index/ipsec.p2/INDEX_P2_SGW'));
  const config = {
    home, cache: cacheDir, nutImage,
    testsets: { dir: testsets, run: [SET] },
    queue: { leaseSeconds: 900, retryBackoffSeconds: 1, idlePollSeconds: 2 },
    watchdog: { bootDeadlineSeconds: 120, caseDeadlineSeconds: 120 },
    profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config') } },
    nuts: [{ name: 'vm-1', driver: 'qemu', profile: 'qemu', modes: ['security-gateway'], memoryMiB: 128, knownGood: { bzImage: kernel.bzImage, kernelRelease: kernel.kernelRelease } }],
    kernels: [{ version: kernel.kernelVersion, source: kernelTarball }],
  };
  const file = path.join(home, 'labd.yaml');
  await writeFile(file, stringify(config));
  return { home, file };
}

test('phase2-ipsec-sgw queued in labd: a security-gateway NUT, every case judged, SA keys kept as artifacts', { skip, timeout: 60 * 60_000 }, async (t) => {
  const { home, file } = await writeConfig();
  try {
    const labd = new LabdProcess(file, ['--once'], t.signal);
    const ended = await labd.exited;
    const tail = labd.lines.slice(-12).map((l) => JSON.stringify(l)).join('\n');
    assert.equal(ended.code, 0, `labd --once exit: ${JSON.stringify(ended)}\n${tail}`);
    const queue = openSqliteJobQueue(path.join(home, 'lab.db'));
    const store = openSqliteStore(path.join(home, 'lab.db'));
    try {
      const [job, ...others] = (await queue.list()).filter((j) => j.kind === 'run');
      assert.equal(others.length, 0);
      assert.equal(job!.status, 'done', `${job!.error ?? ''}\n${tail}`);
      const run = await store.getRun(job!.result!.runId as number);
      assert.equal(run?.status, 'done');
      assert.equal(run?.testset, SET);
      const listed = (parse(await readFile(path.join(repoRoot, 'testsets', `${SET}.yaml`), 'utf8')) as { cases: string[] }).cases;
      const results = await store.resultsOf(run!.id);
      assert.deepEqual(results.map((r) => r.caseId), listed);
      for (const r of results) assert.ok(['PASS', 'FAIL', 'WARN', 'NA'].includes(r.verdict), `${r.caseId}: ${r.verdict} ${r.reason}`);
      // Forwarding through SGW1's tunnel both ways is what a security gateway is for: it passes on Linux.
      const select = results.find((r) => r.caseId === 'IPsec.6.1.1')!;
      assert.equal(select.verdict, 'PASS', select.reason);
      const artifacts = await store.artifactsOf(run!.id);
      const keys = artifacts.filter((a) => a.kind === 'esp-sa');
      assert.equal(keys.length, results.filter((r) => r.verdict !== 'NA').length, 'an esp_sa per case that ran');
      assert.ok(keys.every((k) => artifacts.some((a) => a.kind === 'pcap' && path.dirname(a.path) === path.dirname(k.path))), 'beside its captures');
    } finally {
      await store.close();
      await queue.close();
    }
  } finally {
    await removeLab(home);
  }
});
