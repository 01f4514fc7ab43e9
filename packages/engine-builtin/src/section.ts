// The builtin engine's section of a test set (`builtin:` in testsets/<name>.yaml): what the engine sets up
// on the NUT for the set's mode beyond sysctls (radvd on a router NUT), and how many timer-bound cases the
// pool runs at once.
import { z } from 'zod';
import { EngineSetupError, raIntervalProblem, type TestSet } from '@testlab/core';

/** Router Advertisements a router NUT sends (radvd), on the links named, with these intervals (RFC 4861 §6.2.1). */
export interface RadvdSettings {
  links: string[];
  minIntervalS: number;
  maxIntervalS: number;
}

export interface BuiltinSection {
  radvd?: RadvdSettings;
  /** Timer-bound cases the pool runs at once (case-queue.ts); the engine's default when absent. */
  timerCasesAtOnce?: number;
}

const schema = z
  .strictObject({
    /** radvd on a router NUT: advertises Link<n>'s prefix on the links named. */
    radvd: z
      .strictObject({
        links: z.array(z.string().regex(/^Link[0-9]$/, 'Link0..Link9')).min(1),
        minIntervalS: z.number(),
        maxIntervalS: z.number(),
      })
      .superRefine((r, ctx) => {
        const problem = raIntervalProblem(r.minIntervalS, r.maxIntervalS);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    timerCasesAtOnce: z.number().int().min(1).max(32).optional(),
  })
  .optional();

export function parseBuiltinSection(raw: unknown, testset: Pick<TestSet, 'links' | 'mode' | 'cases'>): BuiltinSection {
  // The engine runs what the set lists, nothing else: an empty list is a mistake, not a quick night.
  if (testset.cases.length === 0) throw new EngineSetupError('cases: list at least one case');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new EngineSetupError(parsed.error.issues.map((i) => `builtin.${i.path.join('.') || '(section)'}: ${i.message}`).join('; '));
  const section = parsed.data ?? {};
  if (section.radvd) {
    const unknown = section.radvd.links.filter((l) => Number(l.slice(4)) >= testset.links);
    if (unknown.length > 0) throw new EngineSetupError(`builtin.radvd.links names ${unknown.join(', ')} but the set has ${testset.links} link(s)`);
    if (testset.mode !== 'router' && testset.mode !== 'security-gateway') throw new EngineSetupError(`builtin.radvd: radvd runs on router NUTs only, not in mode ${testset.mode}`);
  }
  return section;
}
