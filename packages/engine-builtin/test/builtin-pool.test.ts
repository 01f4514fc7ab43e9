// The builtin engine's NUT pool, with small ND nodes behind real UDP-carried links instead of VMs: shared
// cases spread over at most `nutPool` NUTs, each fresh-NUT case gets a NUT of its own that is shut down
// afterwards, and results are reported in test-set order whatever order the cases finish in.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentProgress, type BootedNut, type CaseResult } from '@testlab/core';
import { openLink } from '@testlab/links';
import { builtinEngine } from '../src/index.js';
import { FAKE_ND_MAC, startFakeNdNut } from './fake-nd-nut.js';

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface FakeVm extends BootedNut {
  shutdowns: number;
}

let booted = 0;
async function fakeVm(): Promise<FakeVm> {
  const [testerPort, nutPort] = [await freePort(), await freePort()];
  // The NUT's end of the link is the same UDP driver with the ports swapped.
  const nutSide = await openLink('Link0', { kind: 'udp-ethernet', testerPort: nutPort, nutPort: testerPort });
  const fake = startFakeNdNut(nutSide, 'host');
  const vm: FakeVm = {
    name: `fake-${++booted}`,
    kernelRelease: '6.1.0-fake',
    links: [{ name: 'Link0', nutMac: FAKE_ND_MAC, nutIfname: 'eth1', endpoint: { kind: 'udp-ethernet', testerPort, nutPort } }],
    consoleLog: '/dev/null',
    exec: (argv) => fake.exec(argv),
    shutdowns: 0,
    async shutdown() {
      vm.shutdowns++;
      fake.stop();
      await nutSide.close();
    },
  };
  return vm;
}

/** A run's bootNut that boots fake VMs and keeps them in `list`, to count them and their shutdowns. */
const bootingInto = (list: FakeVm[]) => async (): Promise<FakeVm> => {
  const vm = await fakeVm();
  list.push(vm);
  return vm;
};

// The runs' artifacts go under one scratch folder, removed when the file ends.
const scratch = mkdtemp(path.join(tmpdir(), 'pool-'));
after(async () => rm(await scratch, { recursive: true, force: true }));
const artifactsDir = async () => mkdtemp(path.join(await scratch, 'run-'));

test('shared cases spread over the pool, fresh-NUT cases get their own NUT, results come in set order', { timeout: 120_000 }, async () => {
  const cases = ['v6LC.2.1.8-A', 'v6LC.3.1.1', 'v6LC.2.1.7-D', 'v6LC.2.1.16-A', 'v6LC.3.1.2-B', 'v6LC.2.1.17-A', 'v6LC.2.2.3-A', 'v6LC.2.1.8-B'];
  const main = await fakeVm();
  const extra: FakeVm[] = [];
  const reported: CaseResult[] = [];
  const results = await builtinEngine({}, { nutPool: 2 }).run({
    nut: main,
    mode: 'host',
    cases,
    artifactsDir: await artifactsDir(),
    progress: silentProgress,
    bootNut: bootingInto(extra),
    onResult: async (r) => {
      reported.push(r);
    },
  });
  assert.deepEqual(results.map((r) => r.caseId), cases);
  assert.deepEqual(reported.map((r) => r.caseId), cases, 'reported in test-set order');
  for (const r of results) assert.equal(r.verdict, 'PASS', `${r.caseId}: ${r.reason}`);
  // One NUT per fresh case, and at most one pool NUT besides the pipeline's (nutPool 2): the fresh cases are the
  // longest here (their timeoutMs) so they start first, and the second worker needs a pool NUT only if shared cases
  // are left when its fresh case ends. Every NUT the suite booted is shut down once.
  assert.ok(extra.length >= 2 && extra.length <= 1 + 2, `${extra.length} NUTs booted`);
  for (const vm of extra) assert.equal(vm.shutdowns, 1, vm.name);
  assert.equal(main.shutdowns, 0, "the pipeline's NUT is the pipeline's to shut down");
  await main.shutdown();
});

test('without bootNut every case runs on the one NUT, fresh-NUT cases last; a NUT that cannot be booted is an ERROR for its case only', { timeout: 120_000 }, async () => {
  const cases = ['v6LC.3.1.1', 'v6LC.2.1.7-D'];
  const main = await fakeVm();
  const order: string[] = [];
  const results = await builtinEngine({}).run({
    nut: main,
    mode: 'host',
    cases,
    artifactsDir: await artifactsDir(),
    progress: silentProgress,
    onResult: async (r) => void order.push(r.caseId),
  });
  assert.deepEqual(results.map((r) => r.verdict), ['PASS', 'PASS']);
  assert.deepEqual(order, cases);
  const failing = await builtinEngine({}).run({
    nut: main,
    mode: 'host',
    cases,
    artifactsDir: await artifactsDir(),
    progress: silentProgress,
    bootNut: () => Promise.reject(new Error('no memory for another VM')),
    onResult: async () => undefined,
  });
  assert.equal(failing[0]!.verdict, 'ERROR');
  assert.match(failing[0]!.reason, /no fresh NUT: no memory for another VM/);
  assert.equal(failing[1]!.verdict, 'PASS');
  await main.shutdown();
});

test('a shared case that ends as an ERROR (the lab lost its NUT command) runs once more; its log keeps the first attempt', { timeout: 120_000 }, async () => {
  const main = await fakeVm();
  const exec = main.exec.bind(main);
  let flushes = 0;
  let failFlushes = 1;
  // The NUT command before each case: the first `failFlushes` of them are lost, as an SSH channel that got no answer.
  main.exec = async (argv, options) => {
    if (argv.join(' ').includes('neigh flush') && flushes++ < failFlushes) throw new Error('No response from server');
    return exec(argv, options);
  };
  const run = async () =>
    builtinEngine({}).run({ nut: main, mode: 'host', cases: ['v6LC.2.1.7-D'], artifactsDir: await artifactsDir(), progress: silentProgress, onResult: async () => undefined });
  const once = (await run())[0]!;
  assert.equal(once.verdict, 'PASS', once.reason);
  assert.match(once.log, /attempt 1 of 2 ended as an ERROR \(.*No response from server/);
  flushes = 0;
  failFlushes = 2;
  const twice = (await run())[0]!;
  assert.equal(twice.verdict, 'ERROR', 'lost twice: ERROR, never a verdict');
  assert.match(twice.reason, /No response from server/);
  assert.equal(flushes, 2, 'run twice, not more');
  await main.shutdown();
});

test('with NUTs to boot, the second attempt of a case that ended as an ERROR runs on a newly booted NUT, shut down after', { timeout: 120_000 }, async () => {
  const main = await fakeVm();
  const exec = main.exec.bind(main);
  let lost = false;
  // The first case's NUT command on the pipeline's NUT is lost; a NUT booted for the second attempt answers.
  main.exec = async (argv, options) => {
    if (argv.join(' ').includes('neigh flush') && !lost) {
      lost = true;
      throw new Error('No response from server');
    }
    return exec(argv, options);
  };
  const extra: FakeVm[] = [];
  const [result] = await builtinEngine({}, { nutPool: 1 }).run({
    nut: main,
    mode: 'host',
    cases: ['v6LC.2.1.7-D'],
    artifactsDir: await artifactsDir(),
    progress: silentProgress,
    bootNut: bootingInto(extra),
    onResult: async () => undefined,
  });
  assert.equal(result!.verdict, 'PASS', result!.reason);
  assert.match(result!.log, /attempt 1 of 2 ended as an ERROR/);
  assert.equal(extra.length, 1, 'one NUT booted, for the second attempt');
  assert.equal(extra[0]!.shutdowns, 1, 'and shut down after it');
  assert.equal(main.shutdowns, 0, "the pipeline's NUT is not the suite's to shut down");
  await main.shutdown();
});
