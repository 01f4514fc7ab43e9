// Test history: one case across kernels for one test set and NUT kind, with its pass-rate trend and the
// first kernel it failed on.
import type { CaseHistory, ResultsQuery } from '@testlab/core';
import type { WebRoute } from '../context.js';
import { validated } from '../http-cache.js';
import { caseId as caseIdSchema, historyQuery, NotFound, parse } from '../params.js';
import { trendChart } from '../trend-chart.js';
import { z } from 'zod';

/** The table shows the latest runs; the chart shows them all. */
const TABLE_ROWS = 50;

export type HistoryChoice = { history: CaseHistory } | { choices: { testset: string; nut: string }[] };

/** The history of a case in the stream asked for, or in its only stream, or the streams to choose from. */
export async function historyOf(results: ResultsQuery, caseId: string, testset?: string, nut?: string): Promise<HistoryChoice> {
  if (testset !== undefined && nut !== undefined) {
    // Both named, as every link to a history is: the case's streams are read only to say why there is none.
    const history = await results.caseHistory(testset, nut, caseId);
    if (history.points.length > 0) return { history };
  }
  const streams = await results.streamsOfCase(caseId);
  if (streams.length === 0) throw new NotFound(`no run has case ${caseId}`);
  const matching = streams.filter((s) => (testset === undefined || s.testset === testset) && (nut === undefined || s.nut === nut));
  if (matching.length === 0) throw new NotFound(`case ${caseId} never ran in test set ${testset ?? 'any'} on NUT kind ${nut ?? 'any'}`);
  if (matching.length > 1) return { choices: matching };
  const only = matching[0]!;
  return { history: await results.caseHistory(only.testset, only.nut, caseId) };
}

const history: WebRoute = async (app, { context }) => {
  app.get('/history/:caseId', async (request, reply) => {
    const { caseId } = parse(z.object({ caseId: caseIdSchema }), request.params);
    const { testset, nut } = parse(historyQuery, request.query);
    // A case's history changes only when runs do: kept, like the matrix, until the store's change stamp moves.
    return validated(context.cache, request, reply, `"history-${await context.cache.stamp()}"`, async () => {
      const found = await historyOf(context.results, caseId, testset, nut);
      const html = (body: object) => ({ type: 'text/html; charset=utf-8', body: context.views.page('history', `history of ${caseId}`, body) });
      if ('choices' in found) return html({ caseId, choices: found.choices });
      const h = found.history;
      const judged = h.points.filter((p) => p.verdict === 'PASS' || p.verdict === 'FAIL' || p.verdict === 'ERROR');
      const passes = judged.filter((p) => p.verdict === 'PASS').length;
      return html({
        caseId,
        history: h,
        chart: trendChart(h.points),
        passRate: judged.length ? Math.round((100 * passes) / judged.length) : null,
        latest: h.points.slice(-TABLE_ROWS).reverse(),
        total: h.points.length,
      });
    });
  });
};
export default history;
