// A labd worker process holding a bisect job, for the kill -9 test: the real SQLite lab, queue, worker and
// bisection, the stand-ins of bisect-fakes.ts; its engine hangs at a chosen run of a commit and says so in a
// marker file, so the test can kill it there. argv: <lab.db> <home> <commit> <run> <marker>.
import path from 'node:path';
import { openSqliteStores } from '@testlab/store-sqlite';
import { LabWorker, workerId } from '@testlab/scheduler';
import { labBisectJob } from '../src/lab-bisect.js';
import { fakeBuilder, fakeGit, fakeNutDriver, phase2HostFake, preparer } from './bisect-fakes.js';

const [db, home, commit, run, marker] = process.argv.slice(2) as [string, string, string, string, string];
const stores = await openSqliteStores(db);
const events: string[] = [];
const worker = new LabWorker({
  queue: stores.queue, store: stores.store, owner: workerId('labd', process.pid, 'lab-1'), localHost: 'lab-1', log: { info() {}, warn() {}, error() {} },
  pool: [{ name: 'vm-1', profile: 'qemu', modes: ['host'], driver: fakeNutDriver(events), restoreKnownGood: async () => ({ release: '6.1.0', ms: 1 }) }],
  build: async () => ({}), runTestSet: async () => { throw new Error('no run job'); },
  runBisect: labBisectJob({
    store: stores.store, bisections: stores.bisections, testsets: new Map([[phase2HostFake.name, phase2HostFake]]), builder: fakeBuilder(home, events),
    profileOf: () => ({ name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: '' } }),
    preparerFor: () => preparer({ commit, run: Number(run), marker }), artifactsRoot: path.join(home, 'runs'), bootDeadlineMs: 60_000, git: fakeGit(events),
  }),
  leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 50, watchdog: { caseDeadlineMs: 600_000 },
});
await worker.start();
