// Atom feed of finished runs and of regressions (one entry per run that regressed).
import type { WebRoute } from '../context.js';

const feed: WebRoute = async (app, { context }) => {
  app.get('/feed.atom', async (_request, reply) => {
    const items = await context.results.feed({ limit: 50 });
    const base = context.publicUrl;
    const entries = items.map((i) => ({
      ...i,
      id: `${base}/runs/${i.runId}${i.kind === 'regression' ? '#regressions' : ''}`,
      link: `${base}/runs/${i.runId}`,
      title:
        i.kind === 'regression'
          ? `Regression: ${i.kernelVersion ?? '?'} ${i.testset} on ${i.nut}: ${i.regressions?.length ?? 0} case(s)`
          : `Run ${i.runId} ${i.status}: ${i.kernelVersion ?? '?'} ${i.testset} on ${i.nut}`,
    }));
    const xml = context.views.bare('feed', { base, updated: items[0]?.at ?? new Date(0).toISOString(), entries });
    return reply.type('application/atom+xml; charset=utf-8').send(xml);
  });
};
export default feed;
