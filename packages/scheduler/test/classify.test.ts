// Whose fault: the kernel's (boot failure, panic, oops, hang) or the lab's (download, build host, NUT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyFailure, ConsoleTail, findTrouble } from '../src/index.js';

test('failures are classified by stage, console and watchdog', () => {
  const cases: Array<[Parameters<typeof classifyFailure>[0], string, string]> = [
    [{ stage: 'unpack', error: 'download failed: 503' }, 'lab', 'download'],
    [{ stage: 'build', error: 'make exited 2' }, 'lab', 'build-host'],
    [{ stage: 'boot', error: 'no ready marker within 60 s', consoleBytes: 4000 }, 'kernel', 'boot-failure'],
    [{ stage: 'boot', error: 'QEMU exited early', consoleBytes: 2000, console: { what: 'panic', line: 'Kernel panic - not syncing: No working init found.' } }, 'kernel', 'boot-failure'],
    [{ stage: 'boot', error: 'QEMU exited early (exit code 1) with no console output at all', consoleBytes: 0 }, 'lab', 'nut-unreachable'],
    [{ stage: 'boot', error: 'invalid boot request: links must be an integer' }, 'lab', 'nut-unreachable'],
    [{ stage: 'boot', error: 'box-1 unreachable before install: connect ECONNREFUSED' }, 'lab', 'nut-unreachable'],
    [{ stage: 'test', error: 'x', console: { what: 'oops', line: 'RIP: 0010:ip6_input+0x12/0x40' } }, 'kernel', 'panic'],
    [{ stage: 'test', error: 'SSH channel closed', watchdog: { reason: 'no case finished within 120 s' } }, 'kernel', 'hang'],
    [{ stage: 'test', error: 'suite crashed: TypeError' }, 'lab', 'lab-error'],
  ];
  for (const [facts, owner, kind] of cases) {
    const got = classifyFailure(facts);
    assert.equal(got.owner, owner, JSON.stringify(facts));
    assert.equal(got.kind, kind, JSON.stringify(facts));
    assert.ok(got.summary.startsWith(`${kind}: `));
  }
});

test('console markers: panic, Call Trace and RIP lines are found, ordinary lines are not', () => {
  assert.equal(findTrouble('[ 0.1] Linux version 6.1\n[ 0.2] NET: Registered PF_INET6\n'), undefined);
  assert.deepEqual(findTrouble('ok\n[ 1.0] Kernel panic - not syncing: VFS\n'), { what: 'panic', line: '[ 1.0] Kernel panic - not syncing: VFS' });
  assert.equal(findTrouble('[ 2.0] Call Trace:\r\n')?.what, 'oops');
  assert.equal(findTrouble('RIP: 0010:ip6_input+0x12/0x40')?.what, 'oops');
});

test('the console tail sees a marker appended later, also in a last line without newline', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'testlab-tail-'));
  try {
    const file = join(dir, 'console.log');
    const tail = new ConsoleTail(file);
    assert.equal(await tail.poll(), undefined, 'no file yet');
    await writeFile(file, 'booting\nTESTLAB-NUT-READY\n');
    assert.equal(await tail.poll(), undefined);
    await appendFile(file, '[ 9.9] Kernel pan');
    await appendFile(file, 'ic - not syncing: Fatal exception');
    assert.equal((await tail.poll())?.line, '[ 9.9] Kernel panic - not syncing: Fatal exception');
    await tail.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
