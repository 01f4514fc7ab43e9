// The planner: builds shared by test sets with the same config, one run per set and kind of NUT,
// priorities by kind of kernel, stable keys, and sets no NUT can run reported instead of queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JOB_PRIORITY, parseKernelVersion } from '@testlab/core';
import { planKernel, priorityOf, type PlannedTestSet, type PoolEntry } from '../src/index.js';
import type { KernelProfile } from '@testlab/core';

const profiles: KernelProfile[] = [
  { name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: 'CONFIG_IPV6=y\n' } },
  { name: 'machine', baseConfig: 'defconfig', labFragment: { origin: 'lab', text: 'CONFIG_IPV6=y\nCONFIG_E1000E=y\n' } },
];
const sets: PlannedTestSet[] = [
  { name: 'phase2-host', mode: 'host', kernelConfig: 'CONFIG_IPV6_ROUTER_PREF=y\n' },
  { name: 'phase2-host-extra', mode: 'host', kernelConfig: 'CONFIG_IPV6_ROUTER_PREF=y\n' },
  { name: 'phase2-router', mode: 'router', kernelConfig: 'CONFIG_IPV6_MULTIPLE_TABLES=y\n' },
  { name: 'ipsec-sgw', mode: 'security-gateway', kernelConfig: 'CONFIG_XFRM_USER=y\n' },
];
const pool: PoolEntry[] = [
  { name: 'vm-1', profile: 'qemu', modes: ['host', 'router'] },
  { name: 'vm-2', profile: 'qemu', modes: ['host'] },
  { name: 'box-1', profile: 'machine', modes: ['host'] },
];

test('sets with equal fragments share one build; each set runs once per kind of NUT offering its mode', () => {
  const plan = planKernel({ version: parseKernelVersion('6.12'), source: { spec: '/src/linux-6.12.tar.xz' } }, sets, profiles, pool);
  const builds = plan.jobs.filter((j) => j.kind === 'build');
  const runs = plan.jobs.filter((j) => j.kind === 'run');
  // qemu: host fragment (shared by two sets) + router fragment; machine: host fragment.
  assert.equal(builds.length, 3);
  assert.deepEqual(runs.map((r) => `${r.payload.testset}@${r.requires?.profile}`).sort(), [
    'phase2-host-extra@machine', 'phase2-host-extra@qemu', 'phase2-host@machine', 'phase2-host@qemu', 'phase2-router@qemu',
  ]);
  const hostRuns = runs.filter((r) => r.requires?.profile === 'qemu' && r.requires.mode === 'host');
  assert.equal(new Set(hostRuns.map((r) => r.after)).size, 1, 'both host sets wait for the same build');
  for (const r of runs) assert.ok(builds.some((b) => b.key === r.after), `${r.key} waits for a planned build`);
  assert.deepEqual(plan.unplaceable, [{ testset: 'ipsec-sgw', reason: 'no NUT in the pool offers mode security-gateway' }]);
  assert.equal(new Set(plan.jobs.map((j) => j.group)).size, 1, 'all jobs of a kernel share its group');
});

test('planning is deterministic: the same input gives the same keys', () => {
  const k = { version: parseKernelVersion('6.13-rc1'), source: { spec: 'https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz' } };
  assert.deepEqual(planKernel(k, sets, profiles, pool).jobs.map((j) => j.key), planKernel(k, sets, profiles, pool).jobs.map((j) => j.key));
  const other = planKernel({ ...k, source: { spec: 'https://example.org/linux-6.13-rc1.tar.gz' } }, sets, profiles, pool);
  assert.notDeepEqual(other.jobs.map((j) => j.key), planKernel(k, sets, profiles, pool).jobs.map((j) => j.key), 'another source is another kernel');
  const withCmdline = planKernel({ ...k, extraCmdline: ['init=/nonexistent'] }, sets, profiles, pool);
  const runKeys = (p: ReturnType<typeof planKernel>) => p.jobs.filter((j) => j.kind === 'run').map((j) => j.key);
  assert.equal(runKeys(withCmdline).filter((key) => runKeys(planKernel(k, sets, profiles, pool)).includes(key)).length, 0);
});

test('priority follows the kind of kernel', () => {
  const prio = (version: string) => planKernel({ version: parseKernelVersion(version), source: { spec: 's' } }, sets.slice(0, 1), profiles, pool).jobs[0]?.priority;
  assert.equal(prio('6.12'), JOB_PRIORITY.release);
  assert.equal(prio('6.13-rc1'), JOB_PRIORITY.rc);
  assert.equal(prio('6.12.3'), JOB_PRIORITY.stable);
  assert.equal(prio('v6.13-rc1-12-gabcdef0'), JOB_PRIORITY.snapshot);
  assert.equal(prio('next-20250107'), JOB_PRIORITY.snapshot);
  assert.ok(priorityOf('final') < priorityOf('rc') && priorityOf('rc') < priorityOf('stable') && priorityOf('stable') < priorityOf('snapshot'));
});
