// Validation of everything that comes in a URL. A bad value is a 400 that says which value and why,
// before any query runs.
import { z } from 'zod';
import { BISECTION_STATUSES, VERDICTS, type BisectionStatus, type Verdict } from '@testlab/core';

export class BadRequest extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BadRequest';
  }
}

export class NotFound extends Error {
  readonly statusCode = 404;
  constructor(message: string) {
    super(message);
    this.name = 'NotFound';
  }
}

// SQLite rowids fit in 2^53 here, but a run id has no business being that large.
export const id = z.string().regex(/^[1-9][0-9]{0,9}$/, 'a positive whole number').transform(Number);
/** Case ids are Ready Logo ids (`v6LC.1.1.7-A`), TAHI or kselftest names: printable text, bounded. */
export const caseId = z.string().min(1).max(200).regex(/^[^\x00-\x1f\x7f]+$/, 'printable text');
export const name = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash and underscore (at most 64)');
const verdict = z.enum(VERDICTS as [Verdict, ...Verdict[]]);
const flag = z.enum(['1', 'on', 'true', '0', 'off', 'false', '']).transform((v) => v === '1' || v === 'on' || v === 'true');
const blankAsMissing = (v: unknown) => (v === '' ? undefined : v);

export const runParams = z.object({ id });
export const bisectionParams = z.object({ id });
export const caseParams = z.object({ id, caseId });
export const resultFilterQuery = z.object({
  verdict: z.preprocess(blankAsMissing, verdict.optional()),
  section: z.preprocess(blankAsMissing, z.string().regex(/^[0-9]{1,2}$/, 'a section number').transform(Number).optional()),
  changed: flag.optional(),
});
export const historyQuery = z.object({ testset: name.optional(), nut: name.optional() });
export const compareQuery = z.object({ a: id, b: id });
export const BISECTION_LIST_DEFAULT_LIMIT = 50;
export const BISECTION_LIST_MAX_LIMIT = 500;
/** As the run list's: an unknown or repeated parameter is a 400 naming it, never an unfiltered list. */
export const bisectionListQuery = z
  .object({
    // A string first: a repeated parameter (an array) is named as such, not as an unknown status.
    status: z.preprocess(blankAsMissing, z.string().pipe(z.enum(BISECTION_STATUSES as [BisectionStatus, ...BisectionStatus[]])).optional()),
    limit: z.preprocess(
      blankAsMissing,
      z.string().regex(/^[1-9][0-9]{0,2}$/, `1..${BISECTION_LIST_MAX_LIMIT}`).transform(Number)
        .refine((n) => n <= BISECTION_LIST_MAX_LIMIT, `1..${BISECTION_LIST_MAX_LIMIT}`).optional(),
    ),
  })
  .strict();
export const matrixQuery = z.object({
  kernels: z.preprocess(blankAsMissing, z.string().regex(/^[1-9][0-9]{0,2}$/, '1..999').transform(Number).optional()),
  stream: z.preprocess(blankAsMissing, z.string().regex(/^(mainline|next|other|stable-[0-9]{1,3}\.[0-9]{1,3})$/, 'mainline, next or stable-X.Y').optional()),
});

/** Parses or throws BadRequest naming each bad field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const why = r.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
  throw new BadRequest(`invalid request: ${why}`);
}
