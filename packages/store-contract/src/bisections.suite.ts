// BisectionStore: one bisection per range and set, its steps with every attempt's verdicts, refused changes
// once something ended, and a step that resumes where a lab process died, as another process reads it.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { bisectionKey, type BisectionSpec, type BisectionStep } from '@testlab/core';
import type { ContractBackend } from './backend.js';
import { Clock, finishedRun, withLab } from './fixtures.js';

const sha = (n: number) => n.toString(16).padStart(40, 'c');
const [GOOD, BAD, MID, OTHER] = [sha(1), sha(2), sha(3), sha(4)];

const spec = (over: Partial<BisectionSpec> = {}): BisectionSpec => ({
  tree: 'https://git.example.org/linux.git', good: { commit: GOOD, runId: null }, bad: { commit: BAD, runId: null },
  testset: 'phase2-host', profile: 'qemu', cases: ['v6LC.1.1.1', 'v6LC.2.1.5'], confirmRuns: 3, maxSteps: 20, requestedBy: 'cli', ...over,
});

const step = (over: Partial<BisectionStep>): BisectionStep => ({
  bisectionId: 1, n: 1, role: 'search', commit: MID, attempts: [], outcome: null, reason: null,
  buildMs: null, bootMs: null, testMs: null, runId: null, logs: [], startedAt: '2025-01-07T03:00:00.000Z', endedAt: null, ...over,
});

export function bisectionsContract(backend: ContractBackend): void {
  suite(`${backend.name}: BisectionStore`, () => {
    test('create records a queued bisection under its key; the same range and set again returns it', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { bisections } }) => {
        const first = await bisections.create(spec());
        assert.deepEqual(first, {
          created: true,
          bisection: {
            ...spec(), id: first.bisection.id, key: bisectionKey(spec()), status: 'queued', commitsInRange: null, culprit: null, reason: null,
            createdAt: clock.iso, startedAt: null, endedAt: null,
          },
        });
        assert.equal(first.bisection.key, `bisect:https://git.example.org/linux.git:${GOOD}..${BAD}:phase2-host@qemu`);
        clock.advance(1000);
        assert.deepEqual(await bisections.create(spec({ cases: ['v6LC.9.9.9'], requestedBy: 'auto' })), { created: false, bisection: first.bisection }, 'the first one stands');
        const other = await bisections.create(spec({ testset: 'phase2-router' }));
        assert.equal(other.created, true);
        assert.notEqual(other.bisection.id, first.bisection.id);
        assert.deepEqual(await bisections.get(first.bisection.id), first.bisection);
        assert.deepEqual(await bisections.byKey(first.bisection.key), first.bisection);
        assert.equal(await bisections.get(999), undefined);
        assert.equal(await bisections.byKey('bisect:nothing'), undefined);
      });
    });

    test('a spec the lab could not bisect is refused naming the field, and nothing is recorded', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const { bisections } = lab.stores;
        const refused: [Partial<BisectionSpec>, RegExp][] = [
          [{ tree: '' }, /tree must name a repository/],
          [{ good: { commit: 'v6.12', runId: null } }, /good\.commit must be a full commit id.*"v6\.12"/],
          [{ bad: { commit: BAD.slice(0, 12), runId: null } }, /bad\.commit must be a full commit id/],
          [{ bad: { commit: BAD.toUpperCase(), runId: null } }, /bad\.commit must be a full commit id \(40 or 64 lowercase hex digits\)/],
          [{ bad: { commit: GOOD, runId: null } }, /bad\.commit is good\.commit/],
          [{ good: { commit: GOOD, runId: 0 } }, /good\.runId must be a run id or null/],
          [{ bad: { commit: BAD, runId: 999 } }, /bad\.runId 999: no such run/],
          [{ testset: '' }, /testset must not be empty/],
          [{ profile: '' }, /profile must not be empty/],
          [{ requestedBy: '' }, /requestedBy must not be empty/],
          [{ cases: [] }, /cases must list at least one case/],
          [{ cases: ['v6LC.1.1.1', ''] }, /cases\[1\] must be a case id/],
          [{ cases: ['v6LC.1.1.1', 'v6LC.1.1.1'] }, /cases lists v6LC\.1\.1\.1 twice/],
          [{ confirmRuns: 0 }, /confirmRuns must be an integer >= 1, got 0/],
          [{ maxSteps: 0 }, /maxSteps must be an integer >= 1/],
          [{ maxSteps: 2.5 }, /maxSteps must be an integer >= 1/],
        ];
        for (const [over, message] of refused) await assert.rejects(bisections.create(spec(over)), message, JSON.stringify(over));
        assert.equal(await lab.tamper.count('bisections'), 0);
        // A 64-digit (SHA-256) repository's commits are full ids too.
        assert.equal((await bisections.create(spec({ good: { commit: 'a'.repeat(64), runId: null }, bad: { commit: 'b'.repeat(64), runId: null } }))).created, true);
      });
    });

    test('list is newest first, by status and limited; forRun finds a bisection by its good or its bad run', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { bisections, store } }) => {
        const goodRun = await finishedRun(store, clock, '6.11', { 'v6LC.1.1.1': 'PASS' });
        const badRun = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'FAIL' });
        const a = (await bisections.create(spec({ good: { commit: GOOD, runId: goodRun }, bad: { commit: BAD, runId: badRun } }))).bisection;
        const b = (await bisections.create(spec({ profile: 'ssh', bad: { commit: BAD, runId: badRun } }))).bisection;
        const c = (await bisections.create(spec({ testset: 'phase2-router' }))).bisection;
        await bisections.start(b.id, 12);
        assert.deepEqual((await bisections.list()).map((x) => x.id), [c.id, b.id, a.id]);
        assert.deepEqual((await bisections.list({ limit: 2 })).map((x) => x.id), [c.id, b.id]);
        assert.deepEqual((await bisections.list({ status: 'queued' })).map((x) => x.id), [c.id, a.id]);
        assert.deepEqual((await bisections.list({ status: 'running' })).map((x) => [x.id, x.status]), [[b.id, 'running']]);
        assert.deepEqual(await bisections.list({ status: 'found' }), []);
        await assert.rejects(bisections.list({ status: 'paused' as never }), /status must be one of queued, running, found, inconclusive, failed/);
        await assert.rejects(bisections.list({ limit: 0 }), /limit must be an integer >= 1/);
        assert.deepEqual((await bisections.forRun(goodRun)).map((x) => x.id), [a.id]);
        assert.deepEqual((await bisections.forRun(badRun)).map((x) => x.id), [b.id, a.id]);
        assert.deepEqual(await bisections.forRun(999), []);
      });
    });

    test('start runs it with the range\'s size; starting it again (a resume) keeps when it first started', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { bisections } }) => {
        const { id } = (await bisections.create(spec())).bisection;
        clock.advance(5000);
        const started = await bisections.start(id, 1000);
        assert.deepEqual([started.status, started.commitsInRange, started.startedAt], ['running', 1000, '2025-01-07T03:00:05.000Z']);
        clock.advance(60_000);
        const resumed = await bisections.start(id, 1000);
        assert.deepEqual(resumed, started);
        await assert.rejects(bisections.start(id, -1), /bisection \d+: commitsInRange must be an integer >= 0/);
        await assert.rejects(bisections.start(999, 10), /bisection 999: no such bisection/);
      });
    });

    test('a step begins, takes its attempts with their facts, ends; the next is step n+1; steps lists them in order', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { bisections, store } }) => {
        const { id } = (await bisections.create(spec())).bisection;
        await bisections.start(id, 1000);
        const run = await finishedRun(store, clock, '6.12-rc1', { 'v6LC.1.1.1': 'FAIL' });
        const begun = await bisections.beginStep(id, { role: 'search', commit: MID });
        const at = clock.iso;
        assert.deepEqual(begun, step({ bisectionId: id, startedAt: at }));
        const one = { 'v6LC.1.1.1': 'FAIL', 'v6LC.2.1.5': 'PASS' } as const;
        await bisections.recordAttempt(id, 1, one, { buildMs: 120_000, bootMs: 8000.5, runId: run });
        // A fact given replaces the stored one; one not given keeps it.
        const two = await bisections.recordAttempt(id, 1, one, { bootMs: 7500, testMs: 30_000 });
        assert.deepEqual(two, step({ bisectionId: id, startedAt: at, attempts: [one, one], buildMs: 120_000, bootMs: 7500, testMs: 30_000, runId: run }));
        await assert.rejects(bisections.recordAttempt(id, 1, one, { runId: 999 }), /step 1 of bisection \d+: runId 999: no such run/);
        clock.advance(1000);
        const ended = await bisections.finishStep(id, 1, { outcome: 'bad', reason: 'v6LC.1.1.1 failed 2 of 2', facts: { testMs: 31_000 }, logs: ['runs/7/build.log', 'runs/7/console.log'] });
        assert.deepEqual(ended, { ...two, outcome: 'bad', reason: 'v6LC.1.1.1 failed 2 of 2', testMs: 31_000, logs: ['runs/7/build.log', 'runs/7/console.log'], endedAt: clock.iso });
        // The proof tests the commit the search just tested again: a new step, not the old one.
        const culprit = await bisections.beginStep(id, { role: 'culprit', commit: MID });
        assert.deepEqual([culprit.n, culprit.role, culprit.attempts], [2, 'culprit', []]);
        const skipped = await bisections.finishStep(id, 2, { outcome: 'skip', reason: 'build failed: error: implicit declaration' });
        assert.deepEqual([skipped.logs, skipped.buildMs, skipped.reason], [[], null, 'build failed: error: implicit declaration']);
        assert.deepEqual(await bisections.steps(id), [ended, skipped]);
        assert.deepEqual(await bisections.steps(999), []);
      });
    });

    test('beginStep returns the unfinished newest step of the same role and commit, and refuses another while it is open', async () => {
      await withLab(backend, new Clock(), async ({ stores: { bisections } }) => {
        const { id } = (await bisections.create(spec())).bisection;
        await assert.rejects(bisections.beginStep(id, { role: 'search', commit: MID }), /bisection \d+: it is queued; start it before beginning a step/);
        await bisections.start(id, 1000);
        await bisections.beginStep(id, { role: 'search', commit: MID });
        const attempted = await bisections.recordAttempt(id, 1, { 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.5': 'PASS' });
        assert.deepEqual(await bisections.beginStep(id, { role: 'search', commit: MID }), attempted, 'the same step, with its attempt');
        await assert.rejects(bisections.beginStep(id, { role: 'search', commit: OTHER }), new RegExp(`step 1 \\(search ${MID}\\) is unfinished; finish it before beginning another`));
        await assert.rejects(bisections.beginStep(id, { role: 'culprit', commit: MID }), /step 1 \(search .*\) is unfinished/, 'same commit, another role');
        await assert.rejects(bisections.beginStep(id, { role: 'bisect' as never, commit: MID }), /step role must be one of search, culprit, parent, revert/);
        await assert.rejects(bisections.beginStep(id, { role: 'search', commit: 'HEAD~3' }), /step commit must be a full commit id/);
        await assert.rejects(bisections.beginStep(999, { role: 'search', commit: MID }), /bisection 999: no such bisection/);
        assert.equal((await bisections.steps(id)).length, 1);
      });
    });

    test('two processes beginning different steps at once: one begins, the other is refused', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async (lab) => {
        const { bisections } = lab.stores;
        const other = (await lab.reopen(clock.now, 'host-b')).bisections;
        const { id } = (await bisections.create(spec())).bisection;
        await bisections.start(id, 1000);
        const outcomes = await Promise.allSettled([
          bisections.beginStep(id, { role: 'search', commit: MID }),
          other.beginStep(id, { role: 'search', commit: OTHER }),
        ]);
        assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
        assert.match(String((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason), /is unfinished; finish it before beginning another/);
        assert.deepEqual((await other.steps(id)).map((s) => s.n), [1]);
      });
    });

    test('an attempt or an end for a step that is unknown or ended, or that the lab never writes, is refused', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const { bisections } = lab.stores;
        const { id } = (await bisections.create(spec())).bisection;
        await bisections.start(id, 1000);
        await bisections.beginStep(id, { role: 'search', commit: MID });
        const pass = { 'v6LC.1.1.1': 'PASS' } as const;
        await assert.rejects(bisections.recordAttempt(id, 2, pass), /step 2 of bisection \d+: no such step/);
        await assert.rejects(bisections.finishStep(id, 2, { outcome: 'good' }), /step 2 of bisection \d+: no such step/);
        await assert.rejects(bisections.recordAttempt(999, 1, pass), /bisection 999: no such bisection/);
        await assert.rejects(bisections.recordAttempt(id, 1, {}), /an attempt's verdicts must map at least one case/);
        await assert.rejects(bisections.recordAttempt(id, 1, { 'v6LC.1.1.1': 'MAYBE' as never }), /verdict of v6LC\.1\.1\.1 must be one of PASS, FAIL, WARN, NA, ERROR/);
        await assert.rejects(bisections.recordAttempt(id, 1, pass, { buildMs: -1 }), /buildMs must be a duration >= 0/);
        await assert.rejects(bisections.recordAttempt(id, 1, pass, { testMs: Number.NaN }), /testMs must be a duration >= 0/);
        await assert.rejects(bisections.recordAttempt(id, 1, pass, { runId: 1.5 }), /runId must be an integer >= 1/);
        await assert.rejects(bisections.finishStep(id, 1, { outcome: 'maybe' as never }), /outcome must be one of good, bad, skip, disagree/);
        await assert.rejects(bisections.finishStep(id, 1, { outcome: 'skip', logs: [''] }), /logs must be paths/);
        assert.deepEqual((await bisections.steps(id))[0]?.attempts, [], 'nothing refused was recorded');

        const ended = await bisections.finishStep(id, 1, { outcome: 'disagree', reason: 'v6LC.1.1.1: PASS, FAIL' });
        await assert.rejects(bisections.recordAttempt(id, 1, pass), /step 1 of bisection \d+: it already ended \(disagree\); an ended step cannot be changed/);
        await assert.rejects(bisections.finishStep(id, 1, { outcome: 'good' }), /it already ended \(disagree\)/);
        assert.deepEqual(await bisections.steps(id), [ended]);
      });
    });

    test('finish ends it as found with its culprit, or inconclusive or failed with a reason; an ended bisection cannot be changed', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { bisections } }) => {
        const found = (await bisections.create(spec())).bisection;
        const culprit = { commit: MID, subject: 'ipv6: ndisc: drop the RA when its hop limit is 0', author: 'A Developer <dev@example.org>' };
        await assert.rejects(bisections.finish(found.id, { status: 'found', reason: 'proved' }), /found names its culprit/);
        await assert.rejects(bisections.finish(found.id, { status: 'inconclusive', culprit, reason: 'x' }), /blames nobody, yet names culprit/);
        await assert.rejects(bisections.finish(found.id, { status: 'found', culprit: { ...culprit, commit: 'abc' }, reason: 'x' }), /culprit\.commit must be a full commit id/);
        await assert.rejects(bisections.finish(found.id, { status: 'failed', reason: '' }), /reason must say why it ended failed/);
        await assert.rejects(bisections.finish(found.id, { status: 'running' as never, reason: 'x' }), /it ends as one of found, inconclusive, failed/);
        await assert.rejects(bisections.finish(999, { status: 'failed', reason: 'x' }), /bisection 999: no such bisection/);

        await bisections.start(found.id, 1000);
        await bisections.beginStep(found.id, { role: 'revert', commit: BAD });
        clock.advance(60_000);
        const end = await bisections.finish(found.id, { status: 'found', culprit, reason: `culprit ${MID}: bad 3 of 3; parent: good 3 of 3; revert on bad: good 3 of 3` });
        assert.deepEqual(end, { ...found, status: 'found', commitsInRange: 1000, culprit, reason: end.reason, startedAt: found.createdAt, endedAt: clock.iso });
        assert.deepEqual(await bisections.get(found.id), end);
        const ended = /bisection \d+: it is already found; an ended bisection cannot be changed/;
        await assert.rejects(bisections.finish(found.id, { status: 'failed', reason: 'again' }), ended);
        await assert.rejects(bisections.start(found.id, 10), ended);
        await assert.rejects(bisections.beginStep(found.id, { role: 'search', commit: OTHER }), ended);
        await assert.rejects(bisections.recordAttempt(found.id, 1, { 'v6LC.1.1.1': 'PASS' }), ended);
        await assert.rejects(bisections.finishStep(found.id, 1, { outcome: 'good' }), ended);

        // The lab's own trouble ends a bisection that never started.
        const unreachable = (await bisections.create(spec({ tree: '/srv/git/gone.git' }))).bisection;
        const failed = await bisections.finish(unreachable.id, { status: 'failed', reason: 'tree /srv/git/gone.git: not a git repository' });
        assert.deepEqual([failed.status, failed.culprit, failed.startedAt, failed.endedAt], ['failed', null, null, clock.iso]);
      });
    });

    test('reopened as another process would, an unfinished step resumes with the attempts it recorded', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async (lab) => {
        const first = lab.stores.bisections;
        const { id } = (await first.create(spec())).bisection;
        await first.start(id, 1000);
        await first.beginStep(id, { role: 'search', commit: MID });
        const attempt = { 'v6LC.1.1.1': 'FAIL', 'v6LC.2.1.5': 'PASS' } as const;
        const recorded = await first.recordAttempt(id, 1, attempt, { buildMs: 100_000 });
        await lab.stores.close(); // the lab process died before the step ended

        clock.advance(600_000);
        const next = (await lab.reopen()).bisections;
        const resumed = await next.start(id, 1000);
        assert.equal(resumed.startedAt, '2025-01-07T03:00:00.000Z', 'started once');
        assert.deepEqual(await next.beginStep(id, { role: 'search', commit: MID }), recorded, 'nothing is run twice');
        await next.recordAttempt(id, 1, attempt);
        const done = await next.finishStep(id, 1, { outcome: 'bad', reason: 'v6LC.1.1.1 failed 2 of 2' });
        assert.deepEqual([done.n, done.attempts.length, done.buildMs, done.endedAt], [1, 2, 100_000, clock.iso]);
      });
    });

    test('a lab process killed with SIGKILL mid-step leaves the step to resume, attempts kept', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const { id } = (await lab.stores.bisections.create(spec())).bisection;
        const script = `${lab.childPrelude}
          await stores.bisections.start(${id}, 1000);
          await stores.bisections.beginStep(${id}, { role: 'search', commit: '${MID}' });
          await stores.bisections.recordAttempt(${id}, 1, { 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.5': 'PASS' });
          console.log('recorded');
          setInterval(() => {}, 1000); // wait to be killed
        `;
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        const exited = once(child, 'exit');
        assert.deepEqual(await once(createInterface({ input: child.stdout! }), 'line'), ['recorded']);
        child.kill('SIGKILL');
        await exited;

        const { bisections } = await lab.reopen();
        assert.equal((await bisections.start(id, 1000)).status, 'running');
        const step1 = await bisections.beginStep(id, { role: 'search', commit: MID });
        assert.deepEqual([step1.n, step1.outcome, step1.attempts], [1, null, [{ 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.5': 'PASS' }]]);
      });
    });

    test('a value the lab never writes is refused on reading, naming the bisection and the field', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const { bisections } = lab.stores;
        const { id } = (await bisections.create(spec())).bisection;
        await bisections.start(id, 1000);
        await bisections.beginStep(id, { role: 'search', commit: MID });
        await bisections.recordAttempt(id, 1, { 'v6LC.1.1.1': 'PASS' });

        await lab.tamper.setStepColumn(id, 1, 'attempts', '[{"v6LC.1.1.1":"PASS"},{"v6LC.1.1.1":"MAYBE"}]');
        await assert.rejects(bisections.steps(id), new RegExp(`step 1 of bisection ${id}: the database holds attempts\\[1\\] verdict of v6LC\\.1\\.1\\.1 "MAYBE", which the lab never writes`));
        await assert.rejects(bisections.recordAttempt(id, 1, { 'v6LC.1.1.1': 'PASS' }), /attempts\[1\] verdict of v6LC\.1\.1\.1 "MAYBE"/);
        await lab.tamper.setStepColumn(id, 1, 'attempts', '[]');
        await lab.tamper.setStepColumn(id, 1, 'role', 'bisect');
        await assert.rejects(bisections.beginStep(id, { role: 'search', commit: MID }), new RegExp(`step 1 of bisection ${id}: the database holds role "bisect"`));
        await lab.tamper.setStepColumn(id, 1, 'role', 'search');
        await lab.tamper.setStepColumn(id, 1, 'logs', '["runs/1/build.log", 7]');
        await assert.rejects(bisections.steps(id), new RegExp(`step 1 of bisection ${id}: the database holds logs \\["runs/1/build.log",7\\]`));
        await lab.tamper.setStepColumn(id, 1, 'logs', '[]');
        await lab.tamper.setStepColumn(id, 1, 'outcome', 'maybe');
        await assert.rejects(bisections.steps(id), new RegExp(`step 1 of bisection ${id}: the database holds outcome "maybe"`));

        await lab.tamper.setBisectionColumn(id, 'status', 'paused');
        await assert.rejects(bisections.get(id), new RegExp(`bisection ${id}: the database holds status "paused", which the lab never writes \\(edited by hand\\?\\)`));
        await assert.rejects(bisections.list(), new RegExp(`bisection ${id}: the database holds status "paused"`));
        await assert.rejects(bisections.finish(id, { status: 'failed', reason: 'x' }), new RegExp(`bisection ${id}: the database holds status "paused"`));
        await lab.tamper.setBisectionColumn(id, 'status', 'running');
        await lab.tamper.setBisectionColumn(id, 'cases', '"v6LC.1.1.1"');
        await assert.rejects(bisections.byKey(bisectionKey(spec())), new RegExp(`bisection ${id}: the database holds cases "v6LC.1.1.1"`));
      });
    });
  });
}
