// Job keys and payloads pinned as the lab wrote them before versions and payloads were typed: a queue
// filled by an older lab must be found again (same keys) and read back (same payload text on the wire).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_PRIORITY, parseKernelVersion, type KernelProfile } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { planKernel, QueueKernelSink, type PlannedTestSet, type PoolEntry } from '../src/index.js';

const profiles: KernelProfile[] = [
  { name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: 'CONFIG_IPV6=y\n' } },
  { name: 'machine', baseConfig: 'defconfig', labFragment: { origin: 'lab', text: 'CONFIG_IPV6=y\nCONFIG_E1000E=y\n' } },
];
const sets: PlannedTestSet[] = [
  { name: 'phase2-host', mode: 'host', kernelConfig: 'CONFIG_IPV6_ROUTER_PREF=y\n' },
  { name: 'phase2-router', mode: 'router', kernelConfig: 'CONFIG_IPV6_MULTIPLE_TABLES=y\n' },
];
const pool: PoolEntry[] = [
  { name: 'vm-1', profile: 'qemu', modes: ['host', 'router'] },
  { name: 'box-1', profile: 'machine', modes: ['host'] },
];
const TORVALDS = 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const kernels = [
  { version: '6.12', source: { spec: 'https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.tar.xz' } },
  { version: '6.13-rc1', source: { spec: 'https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz' } },
  { version: '6.1.192', source: { spec: '/srv/linux-6.1.192.tar.xz' } },
  { version: 'v6.13-rc1-12-gabcdef0', source: { spec: TORVALDS, ref: COMMIT } },
  {
    version: 'next-20250107',
    source: { spec: 'https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git', ref: 'next-20250107' },
    extraCmdline: ['init=/nonexistent'],
  },
];
const plan = (k: (typeof kernels)[number]) => planKernel({ ...k, version: parseKernelVersion(k.version) }, sets, profiles, pool);

type Pinned = [kind: string, key: string, group: string, after: string | null, priority: number, requires: string | null, payload: string];
// Generated once from the planner as it was (commit f351d11), then never edited.
const PINNED: Record<string, Pinned[]> = {
  "6.12": [
    ['build', 'build:6.12:c9c7f172225b42e1:qemu:cf9bb99a8af3cebd', 'kernel:6.12:c9c7f172225b42e1', null, 0, null,
      `{"version":"6.12","source":{"spec":"https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.tar.xz"},"profile":"qemu","testset":"phase2-host","configDigest":"cf9bb99a8af3cebd"}`],
    ['run', 'run:6.12:c9c7f172225b42e1:phase2-host:qemu', 'kernel:6.12:c9c7f172225b42e1', 'build:6.12:c9c7f172225b42e1:qemu:cf9bb99a8af3cebd', 0, 'qemu/host',
      `{"version":"6.12","source":{"spec":"https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.tar.xz"},"profile":"qemu","testset":"phase2-host","mode":"host","extraCmdline":[]}`],
    ['build', 'build:6.12:c9c7f172225b42e1:machine:51f47abac623fd7c', 'kernel:6.12:c9c7f172225b42e1', null, 0, null,
      `{"version":"6.12","source":{"spec":"https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.tar.xz"},"profile":"machine","testset":"phase2-host","configDigest":"51f47abac623fd7c"}`],
    ['run', 'run:6.12:c9c7f172225b42e1:phase2-host:machine', 'kernel:6.12:c9c7f172225b42e1', 'build:6.12:c9c7f172225b42e1:machine:51f47abac623fd7c', 0, 'machine/host',
      `{"version":"6.12","source":{"spec":"https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.tar.xz"},"profile":"machine","testset":"phase2-host","mode":"host","extraCmdline":[]}`],
    ['build', 'build:6.12:c9c7f172225b42e1:qemu:bbe49e2c7e5fb002', 'kernel:6.12:c9c7f172225b42e1', null, 0, null,
      `{"version":"6.12","source":{"spec":"https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.tar.xz"},"profile":"qemu","testset":"phase2-router","configDigest":"bbe49e2c7e5fb002"}`],
    ['run', 'run:6.12:c9c7f172225b42e1:phase2-router:qemu', 'kernel:6.12:c9c7f172225b42e1', 'build:6.12:c9c7f172225b42e1:qemu:bbe49e2c7e5fb002', 0, 'qemu/router',
      `{"version":"6.12","source":{"spec":"https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.tar.xz"},"profile":"qemu","testset":"phase2-router","mode":"router","extraCmdline":[]}`],
  ],
  "6.13-rc1": [
    ['build', 'build:6.13-rc1:3e45384d127e740c:qemu:cf9bb99a8af3cebd', 'kernel:6.13-rc1:3e45384d127e740c', null, 1, null,
      `{"version":"6.13-rc1","source":{"spec":"https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz"},"profile":"qemu","testset":"phase2-host","configDigest":"cf9bb99a8af3cebd"}`],
    ['run', 'run:6.13-rc1:3e45384d127e740c:phase2-host:qemu', 'kernel:6.13-rc1:3e45384d127e740c', 'build:6.13-rc1:3e45384d127e740c:qemu:cf9bb99a8af3cebd', 1, 'qemu/host',
      `{"version":"6.13-rc1","source":{"spec":"https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz"},"profile":"qemu","testset":"phase2-host","mode":"host","extraCmdline":[]}`],
    ['build', 'build:6.13-rc1:3e45384d127e740c:machine:51f47abac623fd7c', 'kernel:6.13-rc1:3e45384d127e740c', null, 1, null,
      `{"version":"6.13-rc1","source":{"spec":"https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz"},"profile":"machine","testset":"phase2-host","configDigest":"51f47abac623fd7c"}`],
    ['run', 'run:6.13-rc1:3e45384d127e740c:phase2-host:machine', 'kernel:6.13-rc1:3e45384d127e740c', 'build:6.13-rc1:3e45384d127e740c:machine:51f47abac623fd7c', 1, 'machine/host',
      `{"version":"6.13-rc1","source":{"spec":"https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz"},"profile":"machine","testset":"phase2-host","mode":"host","extraCmdline":[]}`],
    ['build', 'build:6.13-rc1:3e45384d127e740c:qemu:bbe49e2c7e5fb002', 'kernel:6.13-rc1:3e45384d127e740c', null, 1, null,
      `{"version":"6.13-rc1","source":{"spec":"https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz"},"profile":"qemu","testset":"phase2-router","configDigest":"bbe49e2c7e5fb002"}`],
    ['run', 'run:6.13-rc1:3e45384d127e740c:phase2-router:qemu', 'kernel:6.13-rc1:3e45384d127e740c', 'build:6.13-rc1:3e45384d127e740c:qemu:bbe49e2c7e5fb002', 1, 'qemu/router',
      `{"version":"6.13-rc1","source":{"spec":"https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz"},"profile":"qemu","testset":"phase2-router","mode":"router","extraCmdline":[]}`],
  ],
  "6.1.192": [
    ['build', 'build:6.1.192:8f3587eac4060975:qemu:cf9bb99a8af3cebd', 'kernel:6.1.192:8f3587eac4060975', null, 2, null,
      `{"version":"6.1.192","source":{"spec":"/srv/linux-6.1.192.tar.xz"},"profile":"qemu","testset":"phase2-host","configDigest":"cf9bb99a8af3cebd"}`],
    ['run', 'run:6.1.192:8f3587eac4060975:phase2-host:qemu', 'kernel:6.1.192:8f3587eac4060975', 'build:6.1.192:8f3587eac4060975:qemu:cf9bb99a8af3cebd', 2, 'qemu/host',
      `{"version":"6.1.192","source":{"spec":"/srv/linux-6.1.192.tar.xz"},"profile":"qemu","testset":"phase2-host","mode":"host","extraCmdline":[]}`],
    ['build', 'build:6.1.192:8f3587eac4060975:machine:51f47abac623fd7c', 'kernel:6.1.192:8f3587eac4060975', null, 2, null,
      `{"version":"6.1.192","source":{"spec":"/srv/linux-6.1.192.tar.xz"},"profile":"machine","testset":"phase2-host","configDigest":"51f47abac623fd7c"}`],
    ['run', 'run:6.1.192:8f3587eac4060975:phase2-host:machine', 'kernel:6.1.192:8f3587eac4060975', 'build:6.1.192:8f3587eac4060975:machine:51f47abac623fd7c', 2, 'machine/host',
      `{"version":"6.1.192","source":{"spec":"/srv/linux-6.1.192.tar.xz"},"profile":"machine","testset":"phase2-host","mode":"host","extraCmdline":[]}`],
    ['build', 'build:6.1.192:8f3587eac4060975:qemu:bbe49e2c7e5fb002', 'kernel:6.1.192:8f3587eac4060975', null, 2, null,
      `{"version":"6.1.192","source":{"spec":"/srv/linux-6.1.192.tar.xz"},"profile":"qemu","testset":"phase2-router","configDigest":"bbe49e2c7e5fb002"}`],
    ['run', 'run:6.1.192:8f3587eac4060975:phase2-router:qemu', 'kernel:6.1.192:8f3587eac4060975', 'build:6.1.192:8f3587eac4060975:qemu:bbe49e2c7e5fb002', 2, 'qemu/router',
      `{"version":"6.1.192","source":{"spec":"/srv/linux-6.1.192.tar.xz"},"profile":"qemu","testset":"phase2-router","mode":"router","extraCmdline":[]}`],
  ],
  "v6.13-rc1-12-gabcdef0": [
    ['build', 'build:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:qemu:cf9bb99a8af3cebd', 'kernel:v6.13-rc1-12-gabcdef0:9e69807b857efdb3', null, 3, null,
      `{"version":"v6.13-rc1-12-gabcdef0","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git","ref":"0123456789abcdef0123456789abcdef01234567"},"profile":"qemu","testset":"phase2-host","configDigest":"cf9bb99a8af3cebd"}`],
    ['run', 'run:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:phase2-host:qemu', 'kernel:v6.13-rc1-12-gabcdef0:9e69807b857efdb3', 'build:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:qemu:cf9bb99a8af3cebd', 3, 'qemu/host',
      `{"version":"v6.13-rc1-12-gabcdef0","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git","ref":"0123456789abcdef0123456789abcdef01234567"},"profile":"qemu","testset":"phase2-host","mode":"host","extraCmdline":[]}`],
    ['build', 'build:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:machine:51f47abac623fd7c', 'kernel:v6.13-rc1-12-gabcdef0:9e69807b857efdb3', null, 3, null,
      `{"version":"v6.13-rc1-12-gabcdef0","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git","ref":"0123456789abcdef0123456789abcdef01234567"},"profile":"machine","testset":"phase2-host","configDigest":"51f47abac623fd7c"}`],
    ['run', 'run:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:phase2-host:machine', 'kernel:v6.13-rc1-12-gabcdef0:9e69807b857efdb3', 'build:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:machine:51f47abac623fd7c', 3, 'machine/host',
      `{"version":"v6.13-rc1-12-gabcdef0","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git","ref":"0123456789abcdef0123456789abcdef01234567"},"profile":"machine","testset":"phase2-host","mode":"host","extraCmdline":[]}`],
    ['build', 'build:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:qemu:bbe49e2c7e5fb002', 'kernel:v6.13-rc1-12-gabcdef0:9e69807b857efdb3', null, 3, null,
      `{"version":"v6.13-rc1-12-gabcdef0","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git","ref":"0123456789abcdef0123456789abcdef01234567"},"profile":"qemu","testset":"phase2-router","configDigest":"bbe49e2c7e5fb002"}`],
    ['run', 'run:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:phase2-router:qemu', 'kernel:v6.13-rc1-12-gabcdef0:9e69807b857efdb3', 'build:v6.13-rc1-12-gabcdef0:9e69807b857efdb3:qemu:bbe49e2c7e5fb002', 3, 'qemu/router',
      `{"version":"v6.13-rc1-12-gabcdef0","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git","ref":"0123456789abcdef0123456789abcdef01234567"},"profile":"qemu","testset":"phase2-router","mode":"router","extraCmdline":[]}`],
  ],
  "next-20250107": [
    ['build', 'build:next-20250107:c35151b255a49a04:qemu:cf9bb99a8af3cebd', 'kernel:next-20250107:c35151b255a49a04', null, 3, null,
      `{"version":"next-20250107","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git","ref":"next-20250107"},"profile":"qemu","testset":"phase2-host","configDigest":"cf9bb99a8af3cebd"}`],
    ['run', 'run:next-20250107:c35151b255a49a04:phase2-host:qemu:cmdline-d16671b017095189', 'kernel:next-20250107:c35151b255a49a04', 'build:next-20250107:c35151b255a49a04:qemu:cf9bb99a8af3cebd', 3, 'qemu/host',
      `{"version":"next-20250107","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git","ref":"next-20250107"},"profile":"qemu","testset":"phase2-host","mode":"host","extraCmdline":["init=/nonexistent"]}`],
    ['build', 'build:next-20250107:c35151b255a49a04:machine:51f47abac623fd7c', 'kernel:next-20250107:c35151b255a49a04', null, 3, null,
      `{"version":"next-20250107","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git","ref":"next-20250107"},"profile":"machine","testset":"phase2-host","configDigest":"51f47abac623fd7c"}`],
    ['run', 'run:next-20250107:c35151b255a49a04:phase2-host:machine:cmdline-d16671b017095189', 'kernel:next-20250107:c35151b255a49a04', 'build:next-20250107:c35151b255a49a04:machine:51f47abac623fd7c', 3, 'machine/host',
      `{"version":"next-20250107","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git","ref":"next-20250107"},"profile":"machine","testset":"phase2-host","mode":"host","extraCmdline":["init=/nonexistent"]}`],
    ['build', 'build:next-20250107:c35151b255a49a04:qemu:bbe49e2c7e5fb002', 'kernel:next-20250107:c35151b255a49a04', null, 3, null,
      `{"version":"next-20250107","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git","ref":"next-20250107"},"profile":"qemu","testset":"phase2-router","configDigest":"bbe49e2c7e5fb002"}`],
    ['run', 'run:next-20250107:c35151b255a49a04:phase2-router:qemu:cmdline-d16671b017095189', 'kernel:next-20250107:c35151b255a49a04', 'build:next-20250107:c35151b255a49a04:qemu:bbe49e2c7e5fb002', 3, 'qemu/router',
      `{"version":"next-20250107","source":{"spec":"https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git","ref":"next-20250107"},"profile":"qemu","testset":"phase2-router","mode":"router","extraCmdline":["init=/nonexistent"]}`],
  ],
};

async function withQueue(f: (q: ReturnType<typeof openSqliteJobQueue>, payloadOf: (key: string) => string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'planner-keys-'));
  const queue = openSqliteJobQueue(join(dir, 'lab.db'));
  const store = openSqliteStore(join(dir, 'lab.db'));
  const payloadOf = (key: string) => store.database.prepare<[string], string>('SELECT payload FROM jobs WHERE key = ?').pluck().get(key)!;
  try {
    await f(queue, payloadOf);
  } finally {
    await queue.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// The one deliberate change to what was pinned (the rows stay as generated): issue 15 put bisections between
// stable updates and snapshots, so the snapshot class went from 3 to 4. Priority is not part of a job's identity
// (enqueue finds a job by key); an older lab's queued snapshot jobs keep 3 and tie with bisections, first come first.
const renumbered = (p: Pinned): Pinned => (p[4] === 3 ? [p[0], p[1], p[2], p[3], JOB_PRIORITY.snapshot, p[5], p[6]] : p);

test('the planner gives the same keys, groups, priorities and payload text as before', async () => {
  await withQueue(async (queue, payloadOf) => {
    for (const k of kernels) {
      const jobs = plan(k).jobs;
      for (const j of jobs) await queue.enqueue(j);
      const seen = jobs.map((j): Pinned => [
        j.kind, j.key, j.group, j.after ?? null, j.priority, j.requires ? `${j.requires.profile}/${j.requires.mode}` : null, payloadOf(j.key),
      ]);
      assert.deepEqual(seen, PINNED[k.version]!.map(renumbered), k.version);
    }
  });
});

test('a git kernel the watcher offers is planned under the same keys as before', async () => {
  await withQueue(async (queue) => {
    const added: string[] = [];
    const sink = new QueueKernelSink(queue, () => ({ testsets: sets, profiles, pool }), (_k, r) => added.push(...r.added));
    const version = parseKernelVersion('v6.13-rc1-12-gabcdef0');
    const kernel = { version, stream: 'torvalds/master', eol: false, released: undefined, foundBy: 'git-tree torvalds' };
    assert.equal(await sink.offer({ ...kernel, origin: { type: 'git', repo: TORVALDS, ref: 'master', commit: COMMIT } }), 'new');
    assert.deepEqual(added, PINNED['v6.13-rc1-12-gabcdef0']!.map((p) => p[1]));
  });
});
