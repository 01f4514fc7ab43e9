// POST /api/bisections: start a bisection on this lab (what `testlab bisect --lab URL` calls). With the lab
// token, as every API that changes the lab (the trigger's requireToken). The body is checked here for its
// shape and bounds, then against the lab by bisect's startBisection (lab-bisections.ts), so a refused request
// stores nothing and queues nothing. 201 with the new bisection, 200 with the one of the same range and set
// already asked for; both with its page's URL and its job (none for a bisection that ended already). Served
// only by a dashboard started from a lab config with an API token (context.bisect).
import { z } from 'zod';
import type { BisectionRecord } from '@testlab/core';
import { BisectionConflict, BisectionRefused, type BisectionRequest } from '@testlab/bisect';
import type { WebRoute } from '../context.js';
import { requireToken } from './trigger.js';

/** What a caller may ask: bisect's request without who asked (the lab says `api`). */
export type BisectionAsk = Omit<BisectionRequest, 'requestedBy'>;

export interface LabBisection {
  bisection: BisectionRecord;
  created: boolean;
  /** Its bisect job; null when the bisection had ended (nothing to run). */
  job: { id: number; created: boolean } | null;
}

/** Checks, stores and queues a request (lab-bisections.ts); throws BisectionRefused for a request the lab cannot bisect. */
export type StartLabBisection = (ask: BisectionAsk) => Promise<LabBisection>;

const plain = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);
// A run id, or a ref as kernel-sources' validateGitRef takes one (checked there again): never an option, never a range.
const end = z.union([
  z.number().int().min(1).max(2 ** 31).transform(String),
  z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._/+-]{0,199}$/, 'must be a run id or a git tag, branch or commit').refine((s) => !s.includes('..'), 'must be a run id or a git ref, not a range'),
]);

const askSchema = z.strictObject({
  good: end,
  bad: end,
  cases: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be a case id such as v6LC.2.1.7-D')).min(1).max(500).optional(),
  testset: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a test set name such as phase2-host').optional(),
  tree: z.string().trim().min(1).max(2000).refine(plain, 'must not contain control characters').optional(),
  nut: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a NUT profile name such as qemu').optional(),
  confirmRuns: z.number().int().min(1).max(10).optional(),
  maxSteps: z.number().int().min(1).max(100).optional(),
});

const bisectionRequests: WebRoute = async (app, { context }) => {
  const lab = context.bisect;
  if (lab === undefined) return;
  app.post('/api/bisections', { preHandler: requireToken(lab.token) }, async (request, reply) => {
    const parsed = askSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      return reply.code(400).send({ error: `invalid bisection request: ${problems.join('; ')}`, problems, statusCode: 400 });
    }
    // zod gives absent fields as undefined; the request leaves them out.
    const ask = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as unknown as BisectionAsk;
    let started: LabBisection;
    try {
      started = await lab.start(ask);
    } catch (error) {
      if (error instanceof BisectionConflict) {
        return reply.code(409).send({ error: error.message, problems: [error.message], bisection: error.existing, url: pageOf(context.publicUrl, error.existing.id), statusCode: 409 });
      }
      if (!(error instanceof BisectionRefused)) throw error;
      return reply.code(400).send({ error: error.message, problems: [error.message], statusCode: 400 });
    }
    const id = started.bisection.id;
    reply.header('location', `/api/bisections/${id}`);
    return reply.code(started.created ? 201 : 200).send({ ...started, url: pageOf(context.publicUrl, id) });
  });
};
export default bisectionRequests;

function pageOf(publicUrl: string, id: number): string {
  return `${publicUrl}/bisections/${id}`;
}
