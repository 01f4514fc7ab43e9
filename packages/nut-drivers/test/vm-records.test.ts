// reapStale's safety rules, with stand-in processes instead of QEMU: a VM is killed only when its pid,
// start time AND command line (qemu-system-*, -name testlab-<id>) all match, and its owner is gone.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { identify, isAlive, isQemuNamed, type ProcessIdentity } from '../src/qemu/processes.js';
import { reapStaleVms, writeRecord, vmsDir } from '../src/qemu/vm-records.js';

const DEAD_OWNER: ProcessIdentity = { pid: 2 ** 30, startTime: '1' }; // above any pid_max: never alive

/** A process whose /proc/<pid>/cmdline looks like `argv0 -c 'sleep 30; :' -name <name>`. */
async function standIn(argv0: string, name: string): Promise<{ child: ChildProcess; identity: ProcessIdentity }> {
  // `; :` keeps the shell from exec'ing sleep (which would replace the command line).
  const child = spawn('/bin/sh', ['-c', 'sleep 30; :', '-name', name], { argv0, stdio: 'ignore' });
  await sleep(100);
  const identity = identify(child.pid!);
  assert.ok(identity);
  return { child, identity };
}

describe('VM records and reapStale', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const stateDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testlab-vms-'));
    dirs.push(dir);
    return dir;
  };
  const record = (id: string, qemu: ProcessIdentity, owner: ProcessIdentity) => ({
    id, qemuName: `testlab-${id}`, name: `qemu-${id}`, qemu, owner, startedAt: new Date().toISOString(),
  });

  it('recognises a qemu by its -name', async () => {
    const fake = await standIn('qemu-system-x86_64', 'testlab-aa');
    children.push(fake.child);
    assert.ok(isQemuNamed(fake.identity.pid, 'testlab-aa'));
    assert.ok(!isQemuNamed(fake.identity.pid, 'testlab-bb'));
    assert.ok(!isQemuNamed(process.pid, 'testlab-aa'));
  });

  it('kills a matching qemu whose owner died, and removes its record', async () => {
    const dir = await stateDir();
    const fake = await standIn('qemu-system-x86_64', 'testlab-01');
    children.push(fake.child);
    await writeRecord(dir, record('01', fake.identity, DEAD_OWNER));
    assert.equal(await reapStaleVms(dir, new Set(), 500), 1);
    assert.ok(!isAlive(fake.identity));
    assert.deepEqual(await readdir(vmsDir(dir)), []);
  });

  it('never kills a live process that is not our qemu (pid reuse), but drops the record', async () => {
    const dir = await stateDir();
    const notQemu = await standIn('sleeper', 'testlab-02');
    const otherName = await standIn('qemu-system-x86_64', 'testlab-someone-else');
    children.push(notQemu.child, otherName.child);
    await writeRecord(dir, record('02', notQemu.identity, DEAD_OWNER));
    await writeRecord(dir, record('03', otherName.identity, DEAD_OWNER));
    // Same pid, different start time: a reused pid.
    await writeRecord(dir, record('04', { pid: otherName.identity.pid, startTime: '1' }, DEAD_OWNER));
    assert.equal(await reapStaleVms(dir, new Set(), 500), 0);
    assert.ok(isAlive(notQemu.identity));
    assert.ok(isAlive(otherName.identity));
    assert.deepEqual(await readdir(vmsDir(dir)), []);
  });

  it('leaves VMs of a live owner alone: another lab process, or this one while the VM is in use', async () => {
    const dir = await stateDir();
    const a = await standIn('qemu-system-x86_64', 'testlab-05');
    const b = await standIn('qemu-system-x86_64', 'testlab-06');
    children.push(a.child, b.child);
    const otherLab = identify(process.ppid)!;
    const self = identify(process.pid)!;
    await writeRecord(dir, record('05', a.identity, otherLab));
    await writeRecord(dir, record('06', b.identity, self));
    assert.equal(await reapStaleVms(dir, new Set(['06']), 500), 0);
    assert.ok(isAlive(a.identity) && isAlive(b.identity));
    assert.equal((await readdir(vmsDir(dir))).length, 2);
    // This process's VM that is no longer in use (its handle was dropped) is stale.
    assert.equal(await reapStaleVms(dir, new Set(), 500), 1);
    assert.ok(!isAlive(b.identity));
  });

  it('drops records of VMs that are gone and unreadable records', async () => {
    const dir = await stateDir();
    await writeRecord(dir, record('07', { pid: 2 ** 30, startTime: '5' }, DEAD_OWNER));
    await writeFile(join(vmsDir(dir), '08.json'), '{not json');
    assert.equal(await reapStaleVms(dir, new Set(), 500), 0);
    assert.deepEqual(await readdir(vmsDir(dir)), []);
  });

  it('removes the files of a VM whose owner died before QEMU ran (a record without qemu), but not a live owner\'s', async () => {
    const dir = await stateDir();
    const preparing = (id: string, owner: ProcessIdentity) => ({ id, qemuName: `testlab-${id}`, name: `qemu-${id}`, owner, startedAt: new Date().toISOString() });
    await writeRecord(dir, preparing('09', DEAD_OWNER));
    await writeFile(join(vmsDir(dir), '09.initrd.gz'), 'initrd');
    const other = await standIn('node', 'other-lab');
    children.push(other.child);
    await writeRecord(dir, preparing('0a', other.identity));
    await writeFile(join(vmsDir(dir), '0a.initrd.gz'), 'initrd');
    // A record half written by a writer killed before its rename, and one a live writer is writing now.
    await writeFile(join(vmsDir(dir), `0b.json.${2 ** 30}.tmp`), '{');
    await writeFile(join(vmsDir(dir), `0c.json.${other.identity.pid}.tmp`), '{');
    assert.equal(await reapStaleVms(dir, new Set(), 500), 0);
    assert.deepEqual((await readdir(vmsDir(dir))).sort(), ['0a.initrd.gz', '0a.json', `0c.json.${other.identity.pid}.tmp`]);
  });

  it('kills a qemu whose owner died before recording its pid, found by its pid file and -name', async () => {
    const dir = await stateDir();
    const vm = await standIn('qemu-system-x86_64', 'testlab-0d');
    children.push(vm.child);
    await writeRecord(dir, { id: '0d', qemuName: 'testlab-0d', name: 'qemu-0d', owner: DEAD_OWNER, startedAt: new Date().toISOString() });
    await writeFile(join(vmsDir(dir), '0d.pid'), `${vm.identity.pid}\n`);
    assert.equal(await reapStaleVms(dir, new Set(), 500), 1);
    assert.equal(isAlive(vm.identity), false);
    assert.deepEqual(await readdir(vmsDir(dir)), []);
  });

  it('copes with a state folder that has no vms/ yet', async () => {
    assert.equal(await reapStaleVms(join(await stateDir(), 'fresh'), new Set(), 500), 0);
  });
});
