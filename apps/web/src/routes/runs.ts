// Run page (results with filters, diffs against each baseline, stage timeline, artifacts) and per-case
// pages with their log and captures.
import path from 'node:path';
import { VERDICTS } from '@testlab/core';
import type { WebRoute } from '../context.js';
import { sendArtifact } from '../artifact-files.js';
import { runBisections } from '../bisection-view.js';
import { captureKeys } from '../capture-keys.js';
import { sectionChoices, sectionOf, splitReason } from '../case-reason.js';
import { rerunEvidence } from '../rerun-evidence.js';
import { runValidator, validated } from '../http-cache.js';
import { caseParams, id, NotFound, parse, resultFilterQuery, runParams } from '../params.js';
import { stageTimeline } from '../stage-timeline.js';
import { z } from 'zod';

const runs: WebRoute = async (app, { context }) => {
  const { results, store, views } = context;

  app.get('/runs/:id', async (request, reply) => {
    const { id: runId } = parse(runParams, request.params);
    const filter = parse(resultFilterQuery, request.query);
    // A finished run is rendered once and validated after; while the change stamp stays, only its bisections are
    // asked (two indexed lookups), since they start and end without moving the stamp.
    const [run, bisections] = await Promise.all([context.cache.run(runId), context.bisections.forRun(runId)]);
    if (!run) throw new NotFound(`no run ${runId}`);
    return validated(context.cache, request, reply, runValidator(run, bisections), async () => {
    const [stages, lines, diffs, artifacts] = await Promise.all([
      store.stagesOf(runId),
      results.results(runId, { verdict: filter.verdict, section: filter.section, changedOnly: filter.changed ?? false }),
      results.diffsOf(runId),
      results.artifactsWithIds(runId),
    ]);
    const artifactByPath = new Map(artifacts.map((a) => [a.path, a.id]));
    return { type: 'text/html; charset=utf-8', body:
      views.page('run', `run ${runId}: ${run.kernelVersion ?? run.sourceLabel} ${run.testset}`, {
        run,
        timeline: stages.length ? stageTimeline(stages) : null,
        stages: stages.map((s) => ({ ...s, logArtifact: s.logPath ? (artifactByPath.get(s.logPath) ?? null) : null })),
        diffs: diffs.map((d) => ({ ...d, roleText: d.roles.join(', '), changes: d.entries.filter((e) => e.class !== 'still-failing'), stillFailing: d.entries.filter((e) => e.class === 'still-failing') })),
        results: lines,
        shown: lines.length,
        filter: { verdict: filter.verdict ?? '', section: filter.section ?? '', changed: filter.changed ?? false },
        verdicts: VERDICTS.map((v) => ({ value: v, selected: v === filter.verdict })),
        sections: sectionChoices.map((s) => ({ ...s, selected: s.number === filter.section })),
        artifacts: artifacts.map((a) => ({ ...a, name: path.basename(a.path) })),
        bisections: runBisections(runId, bisections),
      }) };
    });
  });

  app.get('/runs/:id/cases/:caseId', async (request, reply) => {
    const { id: runId, caseId } = parse(caseParams, request.params);
    const [run, detail, bisections] = await Promise.all([context.cache.run(runId), results.caseDetail(runId, caseId), context.bisections.forRun(runId)]);
    if (!run || !detail) throw new NotFound(`no case ${caseId} in run ${runId}`);
    return validated(context.cache, request, reply, runValidator(run, bisections), async () => {
    const artifacts = await results.artifactsWithIds(runId);
    const reruns = rerunEvidence(artifacts, caseId);
    const diffs = (await results.diffsOf(runId)).flatMap((d) => {
      const e = d.entries.find((x) => x.caseId === caseId);
      return e ? [{ baselineKernel: d.baselineKernel, baselineRunId: d.baselineRunId, roles: d.roles.join(', '), ...e }] : [];
    });
    return { type: 'text/html; charset=utf-8', body:
      views.page('case', `${caseId} in run ${runId}`, {
        run,
        result: detail,
        reason: splitReason(detail.reason, caseId),
        section: sectionOf(caseId),
        pcaps: detail.pcaps.map((p) => ({ ...p, name: path.basename(p.path) })),
        keys: captureKeys(artifacts, detail.pcaps) ?? null,
        diffs,
        reruns,
        bisections: runBisections(runId, bisections.filter((b) => b.cases.includes(caseId))),
      }) };
    });
  });

  // The case log lives in the database, so its URL is stable even if the run folder is cleaned.
  app.get('/runs/:id/cases/:caseId/log', async (request, reply) => {
    const { id: runId, caseId } = parse(caseParams, request.params);
    const [run, detail] = await Promise.all([results.run(runId), results.caseDetail(runId, caseId)]);
    if (!run || !detail) throw new NotFound(`no case ${caseId} in run ${runId}`);
    // A recorded result never changes: once the run is over its log is immutable.
    if (run.status !== 'running') reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.type('text/plain; charset=utf-8').send(detail.log);
  });

  app.get('/runs/:id/cases/:caseId/pcaps/:position', async (request, reply) => {
    const { id: runId, caseId, position } = parse(
      caseParams.extend({ position: z.string().regex(/^[0-9]{1,3}$/, 'a capture number').transform(Number) }),
      request.params,
    );
    const [file, run] = await Promise.all([results.pcap(runId, caseId, position), results.run(runId)]);
    if (!file || !run) throw new NotFound(`no capture ${position} for case ${caseId} in run ${runId}`);
    return sendArtifact(reply, context, runId, file, 'pcap', `run-${runId}-${caseId}-${path.basename(file)}`, run.status !== 'running');
  });

  app.get('/artifacts/:id', async (request, reply) => {
    const { id: artifactId } = parse(z.object({ id }), request.params);
    const a = await results.artifact(artifactId);
    if (!a) throw new NotFound(`no artifact ${artifactId}`);
    const run = await results.run(a.runId);
    // Wireshark reads its key files by these exact names: a download must keep them.
    const exactName = a.kind === 'esp-sa' || a.kind === 'wireshark-preferences';
    return sendArtifact(reply, context, a.runId, a.path, a.kind, exactName ? path.basename(a.path) : `run-${a.runId}-${path.basename(a.path)}`, run !== undefined && run.status !== 'running');
  });
};
export default runs;
