// raiseMainThread: QEMU's main thread takes the nice value, the threads it made before keep theirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { raiseMainThread } from '../src/qemu/priority.js';

/** Field 19 of /proc/<pid>/task/<tid>/stat: the thread's nice value. */
const niceOf = (pid: number, tid: number) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

test('the main thread takes the nice value and the threads made before keep theirs; a process already gone is no error', async () => {
  // A Node child: several threads (libuv's, V8's) exist before the call. A positive value needs no privilege.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const others = readdirSync(`/proc/${child.pid}/task`).map(Number).filter((tid) => tid !== child.pid);
    assert.ok(others.length > 0, 'a multi-threaded child');
    assert.equal(raiseMainThread(child.pid!, 7), undefined);
    assert.equal(niceOf(child.pid!, child.pid!), 7);
    for (const tid of others) assert.equal(niceOf(child.pid!, tid), 0, `thread ${tid} keeps its value`);
  } finally {
    child.kill('SIGKILL');
  }
  await new Promise((r) => child.once('exit', r));
  assert.equal(raiseMainThread(child.pid!, 7), undefined);
});

test('nice 0 leaves the process alone', () => {
  assert.equal(raiseMainThread(process.pid, 0), undefined);
});
