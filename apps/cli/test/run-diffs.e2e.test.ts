// `testlab run` stores the run's diffs when it ends, as labd does, so the dashboard shows them for CLI runs:
// a real run of Debian's Linux 6.1 (kernel from the shared cache, booted in QEMU) on a one-case set, in a
// lab that already has a Linux 6.1 run of that set whose verdict was FAIL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseKernelVersion } from '@testlab/core';
import { openSqliteStore, resultsQueryOn } from '@testlab/store-sqlite';
import { repoRoot } from '../src/lab-paths.js';

const run = promisify(execFile);
const tarball = '/usr/src/linux-source-6.1.tar.xz';
const skip = existsSync(tarball) && existsSync(path.join(repoRoot, 'var/nut-image/initramfs.gz')) ? false : 'needs Debian\'s linux-source-6.1 and the NUT image (infra/setup.sh)';
const CASE = 'v6LC.1.1.1';

/**
 * A lab home whose store already holds a finished Linux 6.1 run of the one-case set `set` with `verdict`
 * for `caseId`: the baseline a CLI run of that set is diffed against.
 */
async function labWithBaseline(t: { after(fn: () => Promise<void>): void }, set: string, caseId: string, verdict: 'PASS' | 'FAIL') {
  const dir = await mkdtemp(path.join(tmpdir(), `testlab-run-${set}-`));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const testsets = path.join(dir, 'testsets');
  await mkdir(testsets);
  await copyFile(path.join(repoRoot, 'testsets/phase2-host.config'), path.join(testsets, 'phase2-host.config'));
  await writeFile(path.join(testsets, `${set}.yaml`), `name: ${set}\ntitle: one case\nmode: host\nengine: builtin\nlinks: 1\nkernelConfig: phase2-host.config\ncases:\n  - ${caseId}\n`);
  const home = path.join(dir, 'home');
  await mkdir(home);
  const seed = openSqliteStore(path.join(home, 'lab.db'));
  const k = await seed.upsertKernel({ version: parseKernelVersion('6.1'), sourceLabel: 'seed', sourceHash: 'sha256:seed' });
  const b = await seed.recordBuild({ kernelId: k.id, cacheKey: 'seed', kernelRelease: '6.1.0', fromCache: false });
  const baseline = await seed.startRun({ testset: set, nut: 'qemu', sourceLabel: 'seed', ownerPid: process.pid });
  await seed.attachKernel(baseline.id, k.id, b.id);
  await seed.addResult(baseline.id, { caseId, title: caseId, verdict, reason: 'seeded', durationMs: 1, log: '', pcaps: [] });
  await seed.finishRun(baseline.id, { status: 'done' });
  await seed.close();
  return { home, testsets, baseline };
}

test('a CLI run records its diffs against the lab\'s earlier Linux 6.1 run', { skip, timeout: 900_000 }, async (t) => {
  const { home, testsets, baseline } = await labWithBaseline(t, 'one', CASE, 'FAIL');

  await run(process.execPath, [path.join(repoRoot, 'apps/cli/dist/src/main.js'), 'run', '--source', tarball, '--testset', 'one'], {
    env: { ...process.env, TESTLAB_HOME: home, TESTLAB_TESTSETS: testsets }, maxBuffer: 64 << 20,
  });

  const store = openSqliteStore(path.join(home, 'lab.db'));
  try {
    const runs = await store.listRuns();
    const mine = runs.find((r) => r.id !== baseline.id);
    assert.equal(mine?.status, 'done');
    const diffs = await resultsQueryOn(store).diffsOf(mine.id);
    const against = diffs.find((d) => d.baselineRunId === baseline.id);
    assert.ok(against, JSON.stringify(diffs));
    assert.ok(against.roles.includes('line-final'), against.roles.join(','));
    const entry = against.entries.find((e) => e.caseId === CASE);
    assert.equal(entry?.before, 'FAIL');
    assert.equal(entry?.after, (await store.resultsOf(mine.id))[0]?.verdict);
  } finally {
    await store.close();
  }
});

// The failure is real: echo_ignore_all makes Linux drop the Echo Requests v6LC.5.1.2-A sends, on every
// attempt. The seeded baseline passed it, so it newly fails; with --reruns 2 it is booted and run twice
// more on fresh NUTs before it is called a regression, reported as fail:runs 3/3.
test('testlab run --reruns: a newly failing case is rerun on fresh NUTs and stored as a regression 3/3', { skip, timeout: 900_000 }, async (t) => {
  const ECHO = 'v6LC.5.1.2-A';
  const { home, testsets, baseline } = await labWithBaseline(t, 'echo', ECHO, 'PASS');

  const out = await run(process.execPath, [path.join(repoRoot, 'apps/cli/dist/src/main.js'), 'run', '--source', tarball, '--testset', 'echo', '--sysctl', 'net.ipv6.icmp.echo_ignore_all=1', '--reruns', '2'], {
    env: { ...process.env, TESTLAB_HOME: home, TESTLAB_TESTSETS: testsets }, maxBuffer: 64 << 20,
  });
  assert.match(out.stderr, /\[rerun\]/, 'the reruns show their progress');

  const store = openSqliteStore(path.join(home, 'lab.db'));
  try {
    const mine = (await store.listRuns()).find((r) => r.id !== baseline.id);
    assert.equal((await store.resultsOf(mine!.id))[0]?.verdict, 'FAIL');
    const against = (await resultsQueryOn(store).diffsOf(mine!.id)).find((d) => d.baselineRunId === baseline.id);
    const entry = against?.entries.find((e) => e.caseId === ECHO);
    assert.equal(entry?.class, 'regression', JSON.stringify(entry));
    assert.deepEqual(entry?.failRuns, { fail: 3, runs: 3 });
    const reruns = (await store.artifactsOf(mine!.id)).filter((a) => a.kind.startsWith('rerun-'));
    assert.ok(reruns.some((a) => a.kind === 'rerun-pcap'), `each attempt keeps its capture: ${reruns.map((a) => a.kind).join(', ')}`);
  } finally {
    await store.close();
  }
});
