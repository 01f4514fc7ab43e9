// The QMP client against a socket that speaks QMP's framing (greeting, capabilities, return/error, events
// in between). The real QEMU side is exercised by apps/labd/test/machine-nut.e2e.test.ts.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { powerControl, qmpExecute, QmpError } from '../src/qemu/qmp.js';

describe('QMP power control', () => {
  let dir = '';
  let socket = '';
  let server: Server;
  const seen: string[] = [];
  let failCommand = '';
  let silent = false;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qmp-'));
    socket = join(dir, 'vm.qmp');
    server = createServer((conn) => {
      if (silent) return;
      conn.write('{"QMP": {"version": {}, "capabilities": []}}\n');
      createInterface({ input: conn }).on('line', (line) => {
        const { execute } = JSON.parse(line) as { execute: string };
        seen.push(execute);
        // An event before the answer, as QEMU sends RESET/RESUME around system_reset and cont.
        conn.write('{"event": "RESET", "data": {"guest": false}}\n');
        conn.write(execute === failCommand ? '{"error": {"class": "GenericError", "desc": "nope"}}\n' : '{"return": {}}\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
  });
  after(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('negotiates capabilities, then resets and resumes for a power cycle', async () => {
    seen.length = 0;
    await powerControl(socket, 'cycle');
    assert.deepEqual(seen, ['qmp_capabilities', 'system_reset', 'cont']);
    seen.length = 0;
    await powerControl(socket, 'freeze');
    assert.deepEqual(seen, ['qmp_capabilities', 'stop']);
  });

  it('reports a refused command, an unknown action, a missing socket and a silent peer', async () => {
    failCommand = 'system_reset';
    await assert.rejects(powerControl(socket, 'cycle'), /system_reset failed: .*nope/);
    failCommand = '';
    await assert.rejects(powerControl(socket, 'explode' as 'cycle'), /unknown power action "explode"/);
    await assert.rejects(powerControl(join(dir, 'none.qmp'), 'cycle'), QmpError);
    silent = true;
    await assert.rejects(qmpExecute(socket, ['stop'], 300), /no answer within 0.3 s/);
    silent = false;
  });
});
