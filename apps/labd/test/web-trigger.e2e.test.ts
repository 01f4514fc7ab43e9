// labd and the dashboard as an operator runs them, nothing mocked: one config, two processes on one lab.db,
// a real SMTP server on loopback. A subscriber signs up through the API and confirms from the email; a run
// triggered over HTTP (with the lab token) is queued by the web process, picked up by labd's idle poll,
// run on a QEMU NUT, its diffs are recorded against the baseline already in the lab, and its email is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { parseKernelVersion } from '@testlab/core';
import { openSqliteStore } from '@testlab/store-sqlite';
import { SINK_AUTH, startSmtpSink, type ReceivedMail } from '@testlab/notify/test-smtp-sink';
import { cachedKernel, kernelTarball, LabdProcess, removeLab, SMOKE_CASES, SMOKE_SET, startWeb, stopLabdAndWeb, writeLabConfig } from './lab-fixture.js';

const skip = cachedKernel() ? false : 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';
const TOKEN = 'e2e-lab-token-0123456789abcdef0123456789';
const SUBSCRIBER = 'dev@example.org';

async function mailTo(mails: ReceivedMail[], match: (m: ReceivedMail) => boolean, labd: LabdProcess): Promise<ReceivedMail> {
  // Polls what the SMTP server received; the outbox worker sends every 15 s. labd dying ends the wait.
  for (;;) {
    const found = mails.find(match);
    if (found) return found;
    if (labd.child.exitCode !== null) throw new Error('labd exited while waiting for mail');
    await sleep(200);
  }
}

test('a run triggered over HTTP is run by labd, diffed against the lab\'s baseline and mailed to a confirmed subscriber', { skip, timeout: 300_000 }, async (t) => {
  const kernel = cachedKernel()!;
  const smtp = await startSmtpSink();
  const { home, file } = await writeLabConfig([]);
  const tokenFile = path.join(home, 'api-token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o644 });
  const config = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  config.web = { host: '127.0.0.1', port: 8080, tokenFile };
  config.mail = { smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', auth: SINK_AUTH }, from: 'testlab <lab@example.org>', baseUrl: 'http://lab.invalid', secret: '3a7c1e9b5d2f8a4c6e0b1d3f5a7c9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f1a3c' };
  config.diff = { pinned: ['6.1'] };
  await writeFile(file, stringify(config));
  await chmod(file, 0o600); // it holds the SMTP password and the mail secret: labd and the dashboard refuse it readable

  // A baseline the lab already has: Linux 6.1 on the same test set and NUT kind, with the first case failing.
  const seed = openSqliteStore(path.join(home, 'lab.db'));
  const k = await seed.upsertKernel({ version: parseKernelVersion('6.1'), sourceLabel: 'seed', sourceHash: 'sha256:seed' });
  const b = await seed.recordBuild({ kernelId: k.id, cacheKey: 'seed', kernelRelease: '6.1.0', fromCache: false });
  const baseline = await seed.startRun({ testset: SMOKE_SET, nut: 'qemu', sourceLabel: 'seed', ownerPid: process.pid });
  await seed.attachKernel(baseline.id, k.id, b.id);
  for (const [i, caseId] of SMOKE_CASES.entries()) {
    await seed.addResult(baseline.id, { caseId, title: caseId, verdict: i === 0 ? 'FAIL' : 'PASS', reason: 'seeded', durationMs: 1, log: '', pcaps: [] });
  }
  await seed.finishRun(baseline.id, { status: 'done' });
  await seed.close();

  let labd: LabdProcess | undefined;
  let web: ReturnType<typeof startWeb> | undefined;
  try {
    // A token file others can read stops the dashboard before it listens.
    const refused = startWeb(file);
    assert.equal(await refused.exited, 2);
    assert.match(refused.stderr(), /api-token: readable by group or others \(mode 644\)/);
    await chmod(tokenFile, 0o600);

    labd = new LabdProcess(file, [], t.signal);
    web = startWeb(file);
    const base = await web.address;
    const post = (p: string, body: unknown, token?: string) =>
      fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const request = { source: kernelTarball, testset: SMOKE_SET };

    assert.equal((await post('/api/runs', request)).status, 401, 'no token');
    assert.equal((await post('/api/runs', request, TOKEN.replace(/.$/, 'x'))).status, 401, 'wrong token');
    const unknownSet = await post('/api/runs', { ...request, testset: 'phase2-router' }, TOKEN);
    assert.equal(unknownSet.status, 400);
    assert.match(((await unknownSet.json()) as { error: string }).error, /phase2-router is not configured on this lab/);

    // Subscribe (every run of any stream) and confirm from the email labd's outbox worker sent.
    const sub = await post('/api/subscriptions', { email: SUBSCRIBER, scope: 'every-run' }, TOKEN);
    assert.equal(sub.status, 201);
    const confirmation = await mailTo(smtp.mails, (m) => m.rcpt.includes(SUBSCRIBER), labd);
    const link = /http:\/\/lab\.invalid(\/subscriptions\/confirm\?s=\d+&e=\d+&t=[A-Za-z0-9_-]+)/.exec(confirmation.text)?.[1];
    assert.ok(link, confirmation.text);
    assert.equal((await fetch(`${base}${link}`, { method: 'POST' })).status, 200);

    const queued = await post('/api/runs', request, TOKEN);
    assert.equal(queued.status, 202);
    const { jobId, created } = (await queued.json()) as { jobId: number; created: boolean };
    assert.equal(created, true);

    // labd finds the job at its idle poll (another process queued it), runs it, records its diffs.
    const started = await labd.waitFor((l) => l.msg === 'run started' && l.job === jobId, 'the triggered run starting');
    const diffed = await labd.waitFor((l) => l.msg === 'diffs recorded', 'diffs recorded');
    const runId = diffed.run as number;
    assert.equal(started.job, jobId);

    const detail = (await (await fetch(`${base}/api/runs/${runId}`)).json()) as {
      run: { status: string; kernelVersion: string; testset: string };
      diffs: { baselineRunId: number; baselineKernel: string; roles: string[]; entries: { caseId: string; class: string; before: string | null }[] }[];
    };
    assert.equal(detail.run.status, 'done');
    assert.equal(detail.run.kernelVersion, kernel.kernelVersion);
    assert.equal(detail.run.testset, SMOKE_SET);
    const against = detail.diffs.find((d) => d.baselineRunId === baseline.id);
    assert.ok(against, `no diff against the seeded baseline: ${JSON.stringify(detail.diffs)}`);
    assert.equal(against.baselineKernel, '6.1');
    assert.ok(against.roles.includes('pinned') && against.roles.includes('line-final'), against.roles.join(','));
    const first = against.entries.find((e) => e.caseId === SMOKE_CASES[0]);
    assert.equal(first?.before, 'FAIL', 'the case that failed on the baseline is in the diff');
    assert.ok(['fix', 'still-failing', 'flaky'].includes(first?.class ?? ''), first?.class);

    // The run's email reaches the confirmed subscriber through the outbox.
    const runMail = await mailTo(smtp.mails, (m) => (m.headers.get('subject') ?? '').includes(`${kernel.kernelVersion} ${SMOKE_SET}`), labd);
    assert.deepEqual(runMail.rcpt, [SUBSCRIBER]);

    // Triggering the same kernel again names the same job, now with its run.
    const again = await post('/api/runs', request, TOKEN);
    assert.deepEqual(await again.json(), { jobId, created: false, runId });
  } finally {
    await stopLabdAndWeb(labd, web);
    await smtp.close();
    await removeLab(home);
  }
});
