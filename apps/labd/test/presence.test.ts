// A labd announces its host, beats, announces again when another process took its host's record, and says
// goodbye when it stops; the dashboard's status shows it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStores } from '@testlab/store-sqlite';
import { announcePresence } from '../src/presence.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-presence-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('announced, beating, re-announced after another process took the record, gone after stop', async () => {
  const stores = openSqliteStores(path.join(dir, 'lab.db'));
  const lines: string[] = [];
  const log = { info: (_: object, m: string) => lines.push(m), warn: (_: object, m: string) => lines.push(`WARN ${m}`) };
  const me = { name: 'worker-a', roles: ['worker'], builds: false, owner: 'labd:worker-a:1:1', nuts: [{ name: 'vm-1', profile: 'qemu', modes: ['host'] }] };
  const presence = await announcePresence(stores.hosts, me, log, 50);
  const first = (await stores.results.labStatus()).hosts[0]!;
  assert.deepEqual([first.name, first.roles, first.nuts, first.builds, first.leftAt], ['worker-a', ['worker'], me.nuts, false, null]);
  await new Promise((r) => setTimeout(r, 200));
  const beating = (await stores.hosts.hosts())[0]!;
  assert.ok(beating.lastSeenAt > first.lastSeenAt, 'heartbeats move lastSeenAt');
  await stores.hosts.announce({ ...me, owner: 'labd:worker-a:2:1' });
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(lines.some((l) => l.startsWith('WARN heartbeat refused')));
  assert.equal((await stores.hosts.hosts())[0]!.owner, me.owner, 'announced again');
  await presence.stop();
  assert.notEqual((await stores.hosts.hosts())[0]!.leftAt, null);
  await stores.close();
});
