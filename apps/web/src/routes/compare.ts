// Compare any two runs: /compare?a=<run>&b=<run>; without both, a form to pick them.
import type { WebRoute } from '../context.js';
import { compareRunsOrNotFound } from '../compare-runs.js';
import { sendPage } from '../html.js';
import { compareQuery, parse } from '../params.js';

const compare: WebRoute = async (app, { context }) => {
  app.get('/compare', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    if (!q.a && !q.b) return sendPage(reply, context.views.page('compare', 'compare two runs', { form: true }));
    const { a, b } = parse(compareQuery, request.query);
    const c = await compareRunsOrNotFound(context.results, a, b);
    return sendPage(reply, context.views.page('compare', `run ${a} vs run ${b}`, { ...c, form: true, aId: a, bId: b }));
  });
};
export default compare;
