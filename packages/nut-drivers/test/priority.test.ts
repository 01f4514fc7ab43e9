// raiseThreads: every thread of a process gets the nice value, including threads it made before the call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { raiseThreads } from '../src/qemu/priority.js';

/** Field 19 of /proc/<pid>/task/<tid>/stat: the thread's nice value. */
const niceOf = (pid: number, tid: number) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

test('every thread of a running process takes the nice value; a process already gone is no error', async () => {
  // A Node child: several threads (libuv's, V8's) exist before raiseThreads runs. A positive value needs no privilege.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const tids = readdirSync(`/proc/${child.pid}/task`).map(Number);
    assert.ok(tids.length > 1, 'a multi-threaded child');
    assert.equal(raiseThreads(child.pid!, 7), undefined);
    for (const tid of tids) assert.equal(niceOf(child.pid!, tid), 7, `thread ${tid}`);
  } finally {
    child.kill('SIGKILL');
  }
  await new Promise((r) => child.once('exit', r));
  assert.equal(raiseThreads(child.pid!, 7), undefined);
});

test('nice 0 leaves the process alone', () => {
  assert.equal(raiseThreads(process.pid, 0), undefined);
});
