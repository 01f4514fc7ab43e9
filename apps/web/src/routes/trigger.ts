// The trigger API: start a run on a running lab (what `testlab run --lab URL` calls). Every API that changes
// something needs the lab's token; the comparison is constant-time so response timing says nothing about
// how much of a guessed token was right.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { kernelVersionSchema, type KernelVersion } from '@testlab/core';

/** What a caller asks the lab to run. */
export interface TriggerRequest {
  /** Kernel source: tarball path on the lab host, http(s) URL, or git repository. */
  source: string;
  ref?: string;
  testset: string;
  /** The kernel version the jobs are planned as, when neither the ref, the file name nor a local tarball's Makefile tells it (parsed here). */
  version?: KernelVersion;
}

/** Thrown by a TriggerRun when the request cannot be planned on this lab (unknown test set, no version): a 400. */
export class TriggerRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriggerRefusedError';
  }
}

/** Queues the run; resolves with what the caller can follow (a job id, or a run id once one exists). */
export type TriggerRun = (request: TriggerRequest) => Promise<{ jobId: number; created: boolean; runId?: number }>;

export interface TriggerRoutesOptions {
  /** The lab's API token (TESTLAB_TOKEN); at least 32 characters. */
  token: string;
  trigger: TriggerRun;
}

const triggerSchema = z.strictObject({
  source: z.string().trim().min(1).max(2000).refine((s) => !/[\u0000-\u001f]/.test(s), 'must not contain control characters'),
  ref: z.string().trim().regex(/^[A-Za-z0-9._\/-]{1,200}$/, 'must be a git tag, branch or commit').refine((s) => !s.startsWith('-') && !s.includes('..'), 'must be a git tag, branch or commit').optional(),
  testset: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a test set name such as phase2-host'),
  version: z.string().regex(/^[A-Za-z0-9.-]{1,80}$/, 'must be a kernel version such as 6.1.192').pipe(kernelVersionSchema).optional(),
});

/**
 * A preHandler refusing requests without `Authorization: Bearer <token>`. Both sides are hashed first so
 * timingSafeEqual compares equal lengths whatever the caller sent.
 */
export function requireToken(token: string) {
  if (token.length < 32) throw new Error('the lab API token must be at least 32 characters');
  const expected = createHash('sha256').update(token).digest();
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const given = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim())?.[1] : undefined;
    if (!given) {
      reply.header('www-authenticate', 'Bearer realm="testlab"');
      return reply.code(401).send({ error: 'this API needs the lab token: Authorization: Bearer <token>', statusCode: 401 });
    }
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      reply.header('www-authenticate', 'Bearer realm="testlab", error="invalid_token"');
      return reply.code(401).send({ error: 'wrong lab token', statusCode: 401 });
    }
  };
}

export const triggerRoutes: FastifyPluginAsync<TriggerRoutesOptions> = async (app, options) => {
  const authenticated = requireToken(options.token);
  app.post('/api/runs', { preHandler: authenticated }, async (request, reply) => {
    const parsed = triggerSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      return reply.code(400).send({ error: `invalid run request: ${problems.join('; ')}`, problems, statusCode: 400 });
    }
    try {
      const queued = await options.trigger(parsed.data);
      return reply.code(202).send(queued);
    } catch (error) {
      if (!(error instanceof TriggerRefusedError)) throw error;
      return reply.code(400).send({ error: error.message, problems: [error.message], statusCode: 400 });
    }
  });
};
