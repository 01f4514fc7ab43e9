// The QEMU console watch notes oops lines (`Call Trace:`, `RIP:`) besides panics: the kernel broke even if it lives on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleWatch } from '../src/qemu/console-watch.js';

test('an oops backtrace on the console is noted, the first line of it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'testlab-oops-'));
  try {
    const file = join(dir, 'console.log');
    await writeFile(file, '[ 1.0] BUG: kernel NULL pointer dereference\n[ 1.0] RIP: 0010:ip6_input+0x12/0x40\n[ 1.0] Call Trace:\nTESTLAB-NUT-READY\n');
    const watch = new ConsoleWatch(file);
    await watch.poll();
    assert.equal(watch.oopsLine, '[ 1.0] RIP: 0010:ip6_input+0x12/0x40');
    assert.equal(watch.panicLine, undefined);
    assert.equal(watch.ready, true);
    await watch.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
