// The bisections: the list, newest first, and one bisection with every step it took, each linked to the
// run that tested its kernel (where its stages, logs, console and captures are).
import type { WebRoute } from '../context.js';
import { bisectionValidator, shownBisection, shownSteps } from '../bisection-view.js';
import { validated } from '../http-cache.js';
import { BISECTION_LIST_DEFAULT_LIMIT, bisectionListQuery, bisectionParams, NotFound, parse } from '../params.js';
import { BISECTION_STATUSES } from '@testlab/core';

const html = (body: string) => ({ type: 'text/html; charset=utf-8', body });

const bisections: WebRoute = async (app, { context }) => {
  const { bisections: store, results, views } = context;

  app.get('/bisections', async (request, reply) => {
    const q = parse(bisectionListQuery, request.query);
    // Any bisection may change at any time and the store has no stamp for them: the list is made each time.
    return validated(context.cache, request, reply, undefined, async () => {
      const list = await store.list({ ...(q.status !== undefined ? { status: q.status } : {}), limit: q.limit ?? BISECTION_LIST_DEFAULT_LIMIT });
      return html(views.page('bisections', 'bisections', {
        bisections: list.map((b) => shownBisection(b)),
        statuses: BISECTION_STATUSES.map((s) => ({ value: s, selected: s === q.status })),
        status: q.status ?? null,
      }));
    });
  });

  app.get('/bisections/:id', async (request, reply) => {
    const { id } = parse(bisectionParams, request.params);
    const b = await store.get(id);
    if (!b) throw new NotFound(`no bisection ${id}`);
    return validated(context.cache, request, reply, bisectionValidator(b), async () => {
      const steps = await shownSteps(results, context.runsDir, b, await store.steps(id));
      return html(views.page('bisection', `bisection ${id}: ${b.testset}@${b.profile} ${b.status}`, {
        bisection: shownBisection(b),
        steps,
        searchSteps: steps.filter((s) => s.role === 'search').length,
      }));
    });
  });
};
export default bisections;
