// The JSON API: everything the pages show, as data. Same validation as the pages; errors are JSON.
import type { WebRoute } from '../context.js';
import { compareRunsOrNotFound } from '../compare-runs.js';
import { caseId as caseIdSchema, caseParams, compareQuery, historyQuery, matrixQuery, NotFound, parse, resultFilterQuery, runParams } from '../params.js';
import { historyOf } from './history.js';
import { runValidator, validated } from '../http-cache.js';
import { z } from 'zod';

const api: WebRoute = async (app, { context }) => {
  const { results, store } = context;

  const json = (value: unknown) => ({ type: 'application/json; charset=utf-8', body: JSON.stringify(value) });
  app.get('/api/matrix', async (request, reply) => {
    const { kernels, stream } = parse(matrixQuery, request.query);
    // Kept until the store's change stamp moves: what every visitor asks for is computed once per change.
    return validated(context.cache, request, reply, `"matrix-${await context.cache.stamp()}"`, async () => json(await results.matrix({ kernels: kernels ?? 30, stream })));
  });
  app.get('/api/status', async () => results.labStatus());
  app.get('/api/runs/:id', async (request, reply) => {
    const { id } = parse(runParams, request.params);
    const [run, bisections] = await Promise.all([context.cache.run(id), context.bisections.forRun(id)]);
    if (!run) throw new NotFound(`no run ${id}`);
    return validated(context.cache, request, reply, runValidator(run, bisections), async () => {
      const [stages, diffs, artifacts] = await Promise.all([store.stagesOf(id), results.diffsOf(id), results.artifactsWithIds(id)]);
      return json({
        run, stages, diffs, artifacts: artifacts.map((a) => ({ ...a, url: `/artifacts/${a.id}` })),
        bisections: bisections.map((b) => ({ ...b, url: `/bisections/${b.id}` })),
      });
    });
  });
  app.get('/api/runs/:id/results', async (request, reply) => {
    const { id } = parse(runParams, request.params);
    const f = parse(resultFilterQuery, request.query);
    const run = await context.cache.run(id);
    if (!run) throw new NotFound(`no run ${id}`);
    return validated(context.cache, request, reply, runValidator(run), async () =>
      json(await results.results(id, { verdict: f.verdict, section: f.section, changedOnly: f.changed ?? false })));
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
