// The `bisect:` section: whether labd bisects the regressions of a kernel from a git tree by itself, how
// hard it tries, and for which test sets. Which sets may be bisected depends on their engine (only sets that
// name their cases can run just the regressed ones), which only a loaded set knows: the config names sets,
// the lab that loads them resolves the default (bisectTestSets).
import { z } from 'zod';

const setName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');

export const bisectSection = z.strictObject({
  /** Off by default: a bisection builds a kernel per step, which a lab must choose to spend. */
  enabled: z.boolean().default(false),
  /** Search steps before a bisection stops as inconclusive (the proof's steps are not counted). */
  maxSteps: z.number().int().min(1).max(100).default(30),
  /** Attempts per step, all of which must agree: one flaky pass must not send the search the wrong way. */
  confirmRuns: z.number().int().min(1).max(10).default(3),
  /** Sets whose regressions are bisected (each in testsets.run); absent: every builtin-engine set of the lab. */
  testsets: z.array(setName).optional(),
});

export type BisectConfig = z.infer<typeof bisectSection>;

/**
 * The sets labd bisects, from the configured sets' engines: those named (each must be a set that names its
 * cases), else every builtin-engine set. TAHI and kselftest sets name targets and programs: a step could not
 * run only the regressed cases of one.
 */
export function bisectTestSets(bisect: BisectConfig, engineOf: ReadonlyMap<string, string>): string[] {
  if (!bisect.enabled) return [];
  if (bisect.testsets === undefined) return [...engineOf].filter(([, engine]) => engine === 'builtin').map(([name]) => name);
  const problems = bisect.testsets.filter((name) => engineOf.has(name) && engineOf.get(name) !== 'builtin')
    .map((name) => `bisect.testsets: ${name} runs on engine ${engineOf.get(name)}, whose cases a step cannot run alone (only builtin-engine sets can be bisected)`);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return [...bisect.testsets];
}
