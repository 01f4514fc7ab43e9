// Test sets name their engine (`engine:` in testsets/*.yaml); this is the one list of engines the lab has.
import { builtinEngine } from './builtin.js';
import { EngineSetupError, type Engine } from './engine.js';
import { kselftestEngine } from './kselftest.js';
import { tahiEngine } from './tahi.js';

export const ENGINES: Readonly<Record<string, Engine>> = Object.freeze({ builtin: builtinEngine, kselftest: kselftestEngine, tahi: tahiEngine });

export function engineFor(name: string, testset: string): Engine {
  const engine = Object.hasOwn(ENGINES, name) ? ENGINES[name] : undefined;
  if (!engine) throw new EngineSetupError(`test set ${testset} names engine "${name.slice(0, 40)}"; the lab knows: ${Object.keys(ENGINES).join(', ')}`);
  return engine;
}
