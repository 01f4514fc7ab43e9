// The pool's case queue: at most `timerLimit` timer-bound cases (and `freshNut` fresh-NUT cases) at once, other
// cases taken past them meanwhile, a NUT waiting only when nothing but held-back cases is left, and every
// waiting NUT released at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaseQueue } from '../src/case-queue.js';

const c = (name: string, timerBound = false) => ({ name, def: { timerBound } });

test('a free NUT takes the next case past timer-bound ones while the limit is reached', async () => {
  const q = new CaseQueue([c('t1', true), c('t2', true), c('t3', true), c('a'), c('b')], 2);
  const t1 = await q.take();
  const t2 = await q.take();
  assert.deepEqual([t1?.name, t2?.name], ['t1', 't2']);
  assert.equal((await q.take())?.name, 'a', 't3 waits: two timer-bound cases run');
  assert.equal(q.timerBoundRunning, 2);
  q.finished(t1!);
  assert.equal((await q.take())?.name, 't3', 'a freed slot goes to the next timer-bound case in queue order');
  assert.equal((await q.take())?.name, 'b');
  assert.equal(await q.take(), undefined);
});

test('with only timer-bound cases left a NUT waits for a slot, and waiters are released when the queue runs dry', async () => {
  const q = new CaseQueue([c('t1', true), c('t2', true)], 1);
  const t1 = await q.take();
  let second: string | undefined = 'pending';
  const waiting = q.take().then((t) => (second = t?.name));
  const third = q.take();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(second, 'pending', 'no second timer-bound case while one runs');
  q.finished(t1!);
  await waiting;
  assert.equal(second, 't2');
  q.finished({ name: 't2', def: { timerBound: true } });
  assert.equal(await third, undefined, 'the other waiter ends once nothing is left');
});

test('a limit below 1 timer-bound case at once is refused', () => {
  assert.throws(() => new CaseQueue([], 0), /at least 1/);
});

const f = (name: string, timerBound = false) => ({ name, def: { needsFreshNut: true, timerBound } });

test('at most freshNut fresh-NUT cases at once; the others wait their turn while shared cases go past them', async () => {
  const q = new CaseQueue([f('f1'), f('f2', true), c('a'), c('b')], { timerBound: 4, freshNut: 1 });
  const f1 = await q.take();
  assert.equal(f1?.name, 'f1');
  assert.equal((await q.take())?.name, 'a', 'f2 waits: a fresh-NUT case runs');
  q.finished(f1!);
  const f2 = await q.take();
  assert.equal(f2?.name, 'f2', 'the freed slot goes to the next fresh-NUT case');
  assert.equal(q.timerBoundRunning, 1, 'a fresh-NUT case that is timer-bound holds a timer slot too');
  assert.equal((await q.take())?.name, 'b');
  q.finished(f2!);
  assert.equal(q.timerBoundRunning, 0);
  assert.equal(await q.take(), undefined);
});

test('without a fresh-NUT limit (a run with one NUT) fresh-NUT cases are not held back', async () => {
  const q = new CaseQueue([f('f1'), f('f2')], 1);
  assert.deepEqual([(await q.take())?.name, (await q.take())?.name], ['f1', 'f2']);
});

test('a fresh-NUT limit below 1 is refused', () => {
  assert.throws(() => new CaseQueue([], { timerBound: 1, freshNut: 0 }), /fresh-NUT cases at once .* at least 1/);
});
