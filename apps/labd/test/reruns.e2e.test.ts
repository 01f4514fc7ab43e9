// A newly failing case is rerun on a real QEMU NUT, on the kernel under test, before labd restores the
// NUT's known-good kernel, and only then classified. The failure is real, not a stored verdict: the test
// set makes the NUT ignore Echo Requests (net.ipv6.icmp.echo_ignore_all=1, as a distribution's hardening
// or a changed default would), so v6LC.5.1.2-A ("Replying to Echo Requests") FAILs on Linux 6.1. The lab's
// baseline, an earlier 6.1 run of the same set on the same NUT kind, is seeded with that case passing, as
// it did before the setting came in. Every rerun boots the same kernel with the same sysctls, so it fails
// again: a regression with fail:runs 3/3, not flaky (the flaky side, a rerun that passes, is the diff
// package's and the scheduler's unit tests: a real kernel that fails only sometimes cannot be ordered).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { parseKernelVersion } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore, resultsQueryOn } from '@testlab/store-sqlite';
import { cachedKernel, LabdProcess, removeLab, SMOKE_SET, writeLabConfig } from './lab-fixture.js';

const skip = cachedKernel() ? false : 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';
const CASE = 'v6LC.5.1.2-A';
const RERUNS = 2;

test('a newly failing case is rerun on the real NUT before the known-good restore and stored as a regression with fail:runs 3/3', { skip, timeout: 600_000 }, async (t) => {
  const { home, file } = await writeLabConfig([{}]);
  // One case keeps the run short; the same build as the other e2e tests (the set's fragment is unchanged).
  await writeFile(path.join(home, 'testsets', `${SMOKE_SET}.yaml`), stringify({
    name: SMOKE_SET, title: 'Echo Requests on a NUT told to ignore them', mode: 'host', engine: 'builtin', links: 1,
    kernelConfig: 'phase2-host.config',
    sysctls: { 'net.ipv6.conf.all.forwarding': '0', 'net.ipv6.icmp.echo_ignore_all': '1' },
    cases: [CASE],
  }));
  const config = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  config.diff = { pinned: ['6.1'], reruns: RERUNS };
  await writeFile(file, stringify(config));

  const seed = openSqliteStore(path.join(home, 'lab.db'));
  const k = await seed.upsertKernel({ version: parseKernelVersion('6.1'), sourceLabel: 'seed', sourceHash: 'sha256:seed' });
  const b = await seed.recordBuild({ kernelId: k.id, cacheKey: 'seed', kernelRelease: '6.1.0', fromCache: false });
  const baseline = await seed.startRun({ testset: SMOKE_SET, nut: 'qemu', sourceLabel: 'seed', ownerPid: process.pid });
  await seed.attachKernel(baseline.id, k.id, b.id);
  await seed.addResult(baseline.id, { caseId: CASE, title: CASE, verdict: 'PASS', reason: 'seeded', durationMs: 1, log: '', pcaps: [] });
  await seed.finishRun(baseline.id, { status: 'done' });
  await seed.close();

  try {
    const labd = new LabdProcess(file, ['--once'], t.signal);
    const ended = await labd.exited;
    const tail = () => labd.lines.slice(-12).map((l) => JSON.stringify(l)).join('\n');
    assert.equal(ended.code, 0, `labd --once exit: ${JSON.stringify(ended)}\n${tail()}`);
    assert.ok(!labd.lines.some((l) => /no rerun hook/.test(l.msg)), 'diff.reruns is honoured, not warned about');

    // Order in labd's log: the run ends its test stage, the case is rerun (twice), the diffs are recorded,
    // and only after that is the NUT put back on its known-good kernel.
    const at = (match: (l: (typeof labd.lines)[number]) => boolean, what: string) => {
      const i = labd.lines.findIndex(match);
      assert.ok(i >= 0, `labd never logged ${what}\n${tail()}`);
      return i;
    };
    const asked = at((l) => l.msg === 'rerunning newly failing cases', 'the rerun request');
    assert.deepEqual(labd.lines[asked]!.cases, [CASE], 'only the newly failing case is rerun');
    const reran = at((l) => l.msg === 'reruns done', 'the reruns ending');
    assert.deepEqual(labd.lines[reran]!.verdicts, { [CASE]: ['FAIL', 'FAIL'] }, 'the real NUT ignored the Echo Requests again');
    const diffed = at((l) => l.msg === 'diffs recorded', 'the diffs');
    const restored = labd.lines.findIndex((l, i) => i > asked && l.msg === 'NUT is back on its known-good kernel');
    assert.ok(asked < reran && reran < diffed && diffed < restored, `order: rerun ${asked}, done ${reran}, diffs ${diffed}, restore ${restored}`);
    const runId = labd.lines[diffed]!.run as number;

    const store = openSqliteStore(path.join(home, 'lab.db'));
    const queue = openSqliteJobQueue(path.join(home, 'lab.db'));
    try {
      // The job completed only after its reruns, with the run's first attempt as its result.
      const job = (await queue.list()).find((j) => j.kind === 'run');
      assert.equal(job?.status, 'done');
      assert.deepEqual((await store.resultsOf(runId)).map((r) => [r.caseId, r.verdict]), [[CASE, 'FAIL']], 'the results table holds the first attempt');

      const diff = (await resultsQueryOn(store).diffsOf(runId)).find((d) => d.baselineRunId === baseline.id);
      const entry = diff?.entries.find((e) => e.caseId === CASE);
      assert.deepEqual(entry && { class: entry.class, before: entry.before, after: entry.after, failRuns: entry.failRuns },
        { class: 'regression', before: 'PASS', after: 'FAIL', failRuns: { fail: RERUNS + 1, runs: RERUNS + 1 } });
      assert.equal(diff?.counts.flaky, 0);

      // Each attempt's evidence is kept: its own console (a fresh boot of the run's kernel), case log and pcap.
      const artifacts = await store.artifactsOf(runId);
      const of = (kind: string) => artifacts.filter((a) => a.kind === kind).map((a) => path.relative(path.join(home, 'runs', `run-${runId}`), a.path));
      assert.deepEqual(of('rerun-console-log'), Array.from({ length: RERUNS }, (_, i) => `reruns/attempt-${i + 1}/console.log`));
      assert.deepEqual(of('rerun-log'), Array.from({ length: RERUNS }, (_, i) => `reruns/attempt-${i + 1}/cases/${CASE}.log`));
      assert.ok(of('rerun-pcap').length >= RERUNS, `a capture per attempt: ${of('rerun-pcap').join(', ')}`);
      const firstConsole = artifacts.find((a) => a.kind === 'rerun-console-log')!;
      // The NUT's /init prints `uname -r`: the rerun NUT ran the run's kernel. (Here the known-good kernel is
      // the same build, so the log's order above is what shows the reruns came before the restore.)
      const release = cachedKernel()!.kernelRelease;
      assert.match(await readFile(firstConsole.path, 'utf8'), new RegExp(`testlab: hostname \\S+, kernel ${release.replace(/[.+]/g, '\\$&')}`));
      const log = await readFile(artifacts.find((a) => a.kind === 'rerun-log')!.path, 'utf8');
      assert.match(log, /^verdict: FAIL$/m);
    } finally {
      await queue.close();
      await store.close();
    }
  } finally {
    await removeLab(home);
  }
});
