// GET /api/bisections (newest first; ?status=&limit=, checked as /api/runs checks its query) and
// /api/bisections/:id: the record, the estimate of its steps, and every step as stored.
import type { WebRoute } from '../context.js';
import { bisectionValidator, shownBisection } from '../bisection-view.js';
import { validated } from '../http-cache.js';
import { BISECTION_LIST_DEFAULT_LIMIT, bisectionListQuery, bisectionParams, NotFound, parse } from '../params.js';

const bisectionsApi: WebRoute = async (app, { context }) => {
  const { bisections: store } = context;

  app.get('/api/bisections', async (request) => {
    const q = parse(bisectionListQuery, request.query);
    return { bisections: await store.list({ ...(q.status !== undefined ? { status: q.status } : {}), limit: q.limit ?? BISECTION_LIST_DEFAULT_LIMIT }) };
  });

  app.get('/api/bisections/:id', async (request, reply) => {
    const { id } = parse(bisectionParams, request.params);
    const b = await store.get(id);
    if (!b) throw new NotFound(`no bisection ${id}`);
    return validated(context.cache, request, reply, bisectionValidator(b), async () => {
      const { estimatedSteps, elapsedMs } = shownBisection(b);
      return { type: 'application/json; charset=utf-8', body: JSON.stringify({ bisection: b, estimatedSteps, elapsedMs, steps: await store.steps(id) }) };
    });
  });
};
export default bisectionsApi;
