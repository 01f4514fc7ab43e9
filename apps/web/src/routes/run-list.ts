// GET /api/runs: the lab's runs newest first, filtered, in pages (what `testlab runs --lab` prints).
// Every query parameter is checked before any query runs; one that is unknown, repeated or malformed is
// a 400 naming it, so a typo (`?testsets=`) never silently returns the unfiltered list.
import { z } from 'zod';
import { RUN_LIST_MAX_LIMIT, RUN_STATUSES, type RunStatus } from '@testlab/core';
import type { WebRoute } from '../context.js';
import { id, name, NotFound, parse } from '../params.js';

export const RUN_LIST_DEFAULT_LIMIT = 50;

const blankAsMissing = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsMissing, schema.optional());

export const runListQuery = z
  .object({
    // Stored versions: `6.1.192`, `v6.13-rc1-3-gabcdef012345`, `next-20251124`; not parsed, so a version
    // stored before validation existed can still be asked for.
    kernel: optional(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]{0,99}$/, 'a kernel version (letters, digits, . _ + ~ -; at most 100)')),
    testset: optional(name),
    nut: optional(name),
    status: optional(z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]])),
    regressed: optional(z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true')),
    limit: optional(
      z
        .string()
        .regex(/^[1-9][0-9]{0,2}$/, `1..${RUN_LIST_MAX_LIMIT}`)
        .transform(Number)
        .refine((n) => n <= RUN_LIST_MAX_LIMIT, `1..${RUN_LIST_MAX_LIMIT}`),
    ),
    before: optional(id),
  })
  .strict();

const runList: WebRoute = async (app, { context }) => {
  const { results } = context;

  app.get('/api/runs', async (request) => {
    const q = parse(runListQuery, request.query);
    // A cursor that names no run would quietly give an empty page; say so instead.
    if (q.before !== undefined && !(await results.run(q.before))) throw new NotFound(`before: no run ${q.before}`);
    return results.runs({ ...q, limit: q.limit ?? RUN_LIST_DEFAULT_LIMIT });
  });
};
export default runList;
