// The JSON API: everything the pages show, as data. Same validation as the pages; errors are JSON.
import type { WebRoute } from '../context.js';
import { compareRunsOrNotFound } from '../compare-runs.js';
import { caseId as caseIdSchema, caseParams, compareQuery, historyQuery, matrixQuery, NotFound, parse, resultFilterQuery, runParams } from '../params.js';
import { historyOf } from './history.js';
import { z } from 'zod';

const api: WebRoute = async (app, { context }) => {
  const { results, store } = context;

  app.get('/api/matrix', async (request) => {
    const { kernels, stream } = parse(matrixQuery, request.query);
    return results.matrix({ kernels: kernels ?? 30, stream });
  });
  app.get('/api/status', async () => results.labStatus());
  app.get('/api/runs/:id', async (request) => {
    const { id } = parse(runParams, request.params);
    const run = await results.run(id);
    if (!run) throw new NotFound(`no run ${id}`);
    const [stages, diffs, artifacts] = await Promise.all([store.stagesOf(id), results.diffsOf(id), results.artifactsWithIds(id)]);
    return { run, stages, diffs, artifacts: artifacts.map((a) => ({ ...a, url: `/artifacts/${a.id}` })) };
  });
  app.get('/api/runs/:id/results', async (request) => {
    const { id } = parse(runParams, request.params);
    const f = parse(resultFilterQuery, request.query);
    if (!(await results.run(id))) throw new NotFound(`no run ${id}`);
    return results.results(id, { verdict: f.verdict, section: f.section, changedOnly: f.changed ?? false });
  });
  app.get('/api/runs/:id/diffs', async (request) => {
    const { id } = parse(runParams, request.params);
    if (!(await results.run(id))) throw new NotFound(`no run ${id}`);
    return results.diffsOf(id);
  });
  app.get('/api/runs/:id/cases/:caseId', async (request) => {
    const { id, caseId } = parse(caseParams, request.params);
    const detail = await results.caseDetail(id, caseId);
    if (!detail) throw new NotFound(`no case ${caseId} in run ${id}`);
    return {
      ...detail,
      logUrl: `/runs/${id}/cases/${encodeURIComponent(caseId)}/log`,
      pcaps: detail.pcaps.map((p) => ({ ...p, url: `/runs/${id}/cases/${encodeURIComponent(caseId)}/pcaps/${p.position}` })),
    };
  });
  app.get('/api/history/:caseId', async (request) => {
    const { caseId } = parse(z.object({ caseId: caseIdSchema }), request.params);
    const { testset, nut } = parse(historyQuery, request.query);
    return historyOf(results, caseId, testset, nut);
  });
  app.get('/api/compare', async (request) => {
    const { a, b } = parse(compareQuery, request.query);
    return compareRunsOrNotFound(results, a, b);
  });
  app.get('/api/feed', async () => results.feed({ limit: 50 }));
};
export default api;
