// The lab's own conformance engine as the registry sees it: its section (what the mode sets up on the NUT),
// its catalogue (every case it implements), nothing to check beyond those, and no image of its own: the
// NUT's usual system (the lab's small image on QEMU) has what it needs.
import type { EngineDriver, PreparedEngine } from '@testlab/core';
import { caseCatalogue } from './catalogue.js';
import { DEFAULT_TIMER_CASES_AT_ONCE } from './case-queue.js';
import { runBuiltinSet, DEFAULT_NUT_POOL } from './run-set.js';
import { parseBuiltinSection, type BuiltinSection } from './section.js';

const titles: ReadonlyMap<string, string> = new Map([...caseCatalogue].map(([id, def]) => [id, def.title]));

export interface BuiltinOptions {
  /** NUTs that run shared cases at once, the pipeline's included (each a 256 MiB VM on QEMU). Default 8 (DEFAULT_NUT_POOL). */
  nutPool?: number;
  /** Timer-bound cases that run at once (case-queue.ts); else the set's `builtin.timerCasesAtOnce`, else 4. */
  timerCasesAtOnce?: number;
}

/** The engine for one run: cases across a pool of NUTs booted through the run's bootNut. */
export function builtinEngine(section: BuiltinSection, options: BuiltinOptions = {}): PreparedEngine {
  const pool = options.nutPool ?? DEFAULT_NUT_POOL;
  if (!Number.isInteger(pool) || pool < 1 || pool > 32) throw new Error(`builtin engine: nutPool ${pool} is not a whole number 1..32`);
  const timerCasesAtOnce = options.timerCasesAtOnce ?? section.timerCasesAtOnce ?? DEFAULT_TIMER_CASES_AT_ONCE;
  if (!Number.isInteger(timerCasesAtOnce) || timerCasesAtOnce < 1 || timerCasesAtOnce > 32) throw new Error(`builtin engine: timerCasesAtOnce ${timerCasesAtOnce} is not a whole number 1..32`);
  return { id: 'builtin', run: (context) => runBuiltinSet(context, { pool, timerCasesAtOnce, section }) };
}

export const builtinDriver: EngineDriver<BuiltinSection> = {
  id: 'builtin',
  ownNutImage: false,
  parseSection: parseBuiltinSection,
  catalogue: () => titles,
  check: async () => undefined,
  prepare: async ({ section }) => builtinEngine(section),
};
