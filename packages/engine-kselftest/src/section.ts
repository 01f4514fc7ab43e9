// The kselftest engine's section of a test set (`kselftest:` in testsets/<name>.yaml): which programs of
// tools/testing/selftests/net the set runs on the NUT, each stopped after timeoutS.
import { z } from 'zod';
import { EngineSetupError } from '@testlab/core';

export interface KselftestSection {
  /** Programs of tools/testing/selftests/net to run, in order, e.g. `fib_tests.sh`. */
  tests: string[];
  /** Per-test limit; a test still running is stopped and reported TIMEOUT. */
  timeoutS: number;
}

const schema = z.strictObject({
  tests: z.array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,80}$/, 'a program of tools/testing/selftests/net')).min(1),
  timeoutS: z.number().int().min(1).max(3600).default(300),
});

export function parseKselftestSection(raw: unknown): KselftestSection {
  if (raw === undefined) throw new EngineSetupError('engine kselftest needs kselftest.tests');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new EngineSetupError(parsed.error.issues.map((i) => `kselftest.${i.path.join('.') || '(section)'}: ${i.message}`).join('; '));
  return parsed.data;
}

/** The cases a set with this section reports: one per program, `net/<program>`, before its sub-cases are known. */
export function kselftestCatalogue(section: KselftestSection): ReadonlyMap<string, string> {
  return new Map(section.tests.map((t) => [`net/${t}`, `kernel selftest net/${t}`]));
}
