// The email subscribers get when a bisection ends, as a real SMTP server on loopback receives it, and the
// regression email composed after a bisection found its culprit, which names the commit.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, type BisectionSpec, type StoredDiff } from '@testlab/core';
import { outboxOn, resultsQueryOn, SqliteBisections } from '@testlab/store-sqlite';
import { bisectionReportOf, notifyRunFinished } from '../src/index.js';
import { activeSubscriber, openLab, type Lab } from './helpers.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const sha = (c: string) => c.repeat(40);
const CULPRIT = { commit: sha('c'), subject: 'ipv6: ndisc: drop NA with <Override> & no target', author: 'A U Thor <author@example.org>' };
const SNAPSHOT = parseKernelVersion('v6.13-rc1-12-gabcdef012345');
const spec = (over: Partial<BisectionSpec> = {}): BisectionSpec => ({
  tree: 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git', good: { commit: sha('a'), runId: null }, bad: { commit: sha('b'), runId: null },
  testset: 'phase2-host', profile: 'qemu', cases: ['v6LC.2.1.5'], confirmRuns: 3, maxSteps: 30, requestedBy: 'auto', ...over,
});

let sink: SmtpSink;
let lab: Lab;
let bisections: SqliteBisections;
before(async () => {
  sink = await startSmtpSink();
});
after(async () => {
  await lab?.close();
  await sink.close();
});
beforeEach(async () => {
  sink.mails.length = 0;
  await lab?.close();
  lab = openLab(sink.port);
  bisections = new SqliteBisections(lab.store.database, lab.clock.now);
  for (const request of [
    { email: 'dev@example.org', testsets: 'phase2-host' },
    { email: 'everything@example.org' },
    { email: 'router@example.org', testsets: 'phase2-router' },
    { email: 'security@example.org', casePrefix: 'v6LC.5.' },
    { email: 'lts@example.org', streams: 'stable' },
  ]) await activeSubscriber(lab, request);
  await lab.notify.worker.tick();
  sink.mails.length = 0;
});

async function ended(end: Parameters<SqliteBisections['finish']>[1], over: Partial<BisectionSpec> = {}) {
  const { bisection } = await bisections.create(spec(over));
  await bisections.start(bisection.id, 40);
  await bisections.beginStep(bisection.id, { role: 'search', commit: sha('d') });
  await bisections.finishStep(bisection.id, 1, { outcome: 'good', reason: 'pass 3/3' });
  return bisections.finish(bisection.id, end);
}

test('a bisection that found its culprit: one email to each subscriber of that set, stream and case, with the commit, its subject, author and the proof; once', async () => {
  const record = await ended({ status: 'found', culprit: CULPRIT, reason: 'culprit ccc FAIL 3/3; parent pass 3/3; revert pass 3/3' });
  const report = (await bisectionReportOf(bisections, record, SNAPSHOT))!;
  assert.equal(await lab.notify.notifier.bisectionEnded(report), 2);
  assert.equal(await lab.notify.notifier.bisectionEnded(report), 2, 'asked again (a resumed job), nothing new is queued');
  assert.deepEqual(await lab.notify.worker.tick(), { sent: 2, retrying: 0, dead: 0 });
  assert.deepEqual(sink.mails.map((m) => m.rcpt[0]).sort(), ['dev@example.org', 'everything@example.org']);
  const mail = sink.mails[0]!;
  assert.equal(mail.headers.get('subject'), `[testlab] BISECTED phase2-host: cccccccccccc ${CULPRIT.subject}`);
  assert.match(mail.text, new RegExp(`^Bisected: ${sha('c')} made 1 case\\(s\\) of test set phase2-host \\(qemu\\) fail\\.`));
  assert.match(mail.text, /Author: A U Thor <author@example\.org>/);
  assert.match(mail.text, /Proof: culprit ccc FAIL 3\/3; parent pass 3\/3; revert pass 3\/3/);
  assert.match(mail.text, new RegExp(`Range: a{40}\\.\\.b{40} \\(bad kernel v6\\.13-rc1-12-gabcdef012345\\)\\nSteps: 1, each with its runs and evidence: https://lab\\.example\\.org/bisections/${record.id}\n`));
  assert.match(mail.html, /with &lt;Override&gt; &amp; no target/, 'the commit subject is escaped in HTML');
  assert.match(mail.headers.get('list-unsubscribe') ?? '', /^<https:\/\/lab\.example\.org\/subscriptions\/unsubscribe\?/);
  const keys = (await outboxOn(lab.store).listMessages()).map((m) => m.dedupeKey).filter((k) => k.startsWith('bisection:'));
  assert.equal(keys.length, 2);
  for (const k of keys) assert.match(k, new RegExp(`^bisection:\\d+:${record.id}$`));
});

test('an inconclusive bisection tells why, and blames nobody', async () => {
  const record = await ended({ status: 'inconclusive', reason: 'step 1 (dddddddddddd, search): v6LC.2.1.5: PASS, FAIL over 2 attempts of the same kernel (flaky: no side can be trusted)' }, { cases: ['v6LC.2.1.5', 'v6LC.5.1.2'] });
  assert.equal(await lab.notify.notifier.bisectionEnded((await bisectionReportOf(bisections, record, SNAPSHOT))!), 3, 'v6LC.5.1.2 concerns the v6LC.5. subscriber too');
  await lab.notify.worker.tick();
  const mail = sink.mails.find((m) => m.rcpt[0] === 'security@example.org')!;
  assert.equal(mail.headers.get('subject'), '[testlab] bisection inconclusive phase2-host aaaaaaaaaaaa..bbbbbbbbbbbb');
  assert.match(mail.text, /ended inconclusive: nobody is blamed\.\n\nWhy: step 1 \(dddddddddddd, search\): v6LC\.2\.1\.5: PASS, FAIL over 2 attempts/);
  assert.doesNotMatch(mail.text, /Author:/);
});

test('a bisection ended as the lab\'s failure, or not ended, tells subscribers nothing', async () => {
  const failed = await ended({ status: 'failed', reason: 'the tree could not be fetched' });
  assert.equal(await bisectionReportOf(bisections, failed, SNAPSHOT), undefined);
  const { bisection: queued } = await bisections.create(spec({ good: { commit: sha('e'), runId: null } }));
  assert.equal(await bisectionReportOf(bisections, queued, SNAPSHOT), undefined);
});

test('a regression email composed after the bisection of its run found the culprit names the commit', async () => {
  const store = lab.store;
  const finishedRun = async (version: string, verdict: 'PASS' | 'FAIL', commit: string) => {
    const kernel = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: 'git /srv/linux.git@master', sourceHash: `git:${commit}` });
    const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: version, kernelRelease: version, fromCache: false });
    const run = await store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: 'git /srv/linux.git@master', ownerPid: process.pid });
    await store.attachKernel(run.id, kernel.id, build.id);
    await store.addResult(run.id, { caseId: 'v6LC.2.1.5', title: 'NS processing', verdict, reason: `saw ${verdict}`, durationMs: 1, log: '', pcaps: [] });
    await store.finishRun(run.id, { status: 'done' });
    return run;
  };
  const good = await finishedRun('v6.13-rc1-10-gaaaaaaaaaaaa', 'PASS', sha('a'));
  const bad = await finishedRun('v6.13-rc1-12-gbbbbbbbbbbbb', 'FAIL', sha('b'));
  const results = resultsQueryOn(store, lab.clock.now);
  const stored: StoredDiff = {
    runId: bad.id, baselineRunId: good.id, baselineKernel: 'v6.13-rc1-10-gaaaaaaaaaaaa', roles: ['previous-snapshot'], wanted: null,
    counts: { regression: 1, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 },
    entries: [{ caseId: 'v6LC.2.1.5', title: 'NS processing', class: 'regression', before: 'PASS', after: 'FAIL', failingSince: null, failRuns: null }],
  };
  await results.saveDiffs(bad.id, [stored], new Map(), { counts: { PASS: 0, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 }, regressions: 1, fixes: 0, flaky: 0 });
  const judged = (await results.diffInputs(bad.id))!.run;

  // Composed before the bisection ended: no culprit to name.
  await notifyRunFinished(results, lab.notify.notifier, judged, bisections);
  const before = (await outboxOn(store).listMessages()).filter((m) => m.dedupeKey.startsWith('run:'));
  assert.ok(before.length > 0 && before.every((m) => !m.text.includes('bisected:')));

  await ended({ status: 'found', culprit: CULPRIT, reason: 'proved' }, { good: { commit: sha('a'), runId: good.id }, bad: { commit: sha('b'), runId: bad.id } });
  // A later composition of the same run's email (a scheduler queueing a worker's run, a new subscriber) names it.
  await activeSubscriber(lab, { email: 'late@example.org', testsets: 'phase2-host' });
  await notifyRunFinished(results, lab.notify.notifier, judged, bisections);
  const late = (await outboxOn(store).listMessages()).find((m) => m.to === 'late@example.org' && m.dedupeKey.startsWith('run:'))!;
  assert.match(late.text, new RegExp(`expected PASS, seen FAIL\\n {2}saw FAIL\\n {2}bisected: ${sha('c')} ipv6: ndisc: drop NA with <Override> & no target \\(A U Thor <author@example\\.org>\\)`));
  assert.match(late.html, /bisected: <code>c{40}<\/code> ipv6: ndisc: drop NA with &lt;Override&gt; &amp; no target/);
});
