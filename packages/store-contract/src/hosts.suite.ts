// HostRegistry: labd processes announce themselves with their NUTs, send heartbeats, leave; the lab status
// shows them.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostAnnouncement } from '@testlab/core';
import type { ContractBackend } from './backend.js';
import { Clock, withLab } from './fixtures.js';

const worker = (name: string, owner: string): HostAnnouncement => ({
  name, roles: ['worker'], builds: true, owner,
  nuts: [{ name: `${name}-qemu-1`, profile: 'qemu', modes: ['host', 'router'] }],
});

export function hostsContract(backend: ContractBackend): void {
  suite(`${backend.name}: HostRegistry`, () => {
    test('a host announces itself with its NUTs, beats, and the lab status shows it with its last heartbeat', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { hosts, results } }) => {
        const a = await hosts.announce(worker('worker-a', 'labd:worker-a:10:1'));
        assert.deepEqual(a, { ...worker('worker-a', 'labd:worker-a:10:1'), startedAt: clock.iso, lastSeenAt: clock.iso, leftAt: null });
        await hosts.announce({ ...worker('sched', 'labd:sched:11:1'), roles: ['scheduler'], builds: false, nuts: [] });
        clock.advance(30_000);
        assert.equal(await hosts.heartbeat('worker-a', 'labd:worker-a:10:1'), true);
        const status = await results.labStatus();
        assert.deepEqual(status.hosts.map((h) => [h.name, h.roles, h.nuts.map((n) => n.name), h.lastSeenAt]), [
          ['sched', ['scheduler'], [], '2025-01-07T03:00:00.000Z'],
          ['worker-a', ['worker'], ['worker-a-qemu-1'], '2025-01-07T03:00:30.000Z'],
        ]);
      });
    });

    test('a restarted host replaces its announcement; the old process\'s heartbeat is refused; leaving is recorded', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { hosts } }) => {
        await hosts.announce(worker('worker-b', 'labd:worker-b:20:1'));
        clock.advance(1000);
        await hosts.announce({ ...worker('worker-b', 'labd:worker-b:21:1'), nuts: [] });
        assert.equal(await hosts.heartbeat('worker-b', 'labd:worker-b:20:1'), false, 'the old process is not the host any more');
        assert.equal(await hosts.heartbeat('worker-b', 'labd:worker-b:21:1'), true);
        assert.equal(await hosts.heartbeat('nobody', 'x'), false, 'never announced');
        clock.advance(1000);
        await hosts.depart('worker-b', 'labd:worker-b:21:1');
        const [b] = await hosts.hosts();
        assert.deepEqual([b?.owner, b?.nuts, b?.startedAt, b?.leftAt], ['labd:worker-b:21:1', [], '2025-01-07T03:00:01.000Z', '2025-01-07T03:00:02.000Z']);
        assert.equal(await hosts.heartbeat('worker-b', 'labd:worker-b:21:1'), false, 'a host that left announces itself again');
      });
    });
  });
}
