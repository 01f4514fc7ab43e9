// What a run tested besides its kernel build: the test set as it was defined (cases, sysctls, links, the
// engine's section) and the extra boot words and sysctls it was run with. Two runs of one build with the
// same setup are the same experiment: a lab that has one finished does not run it again. Stored with the
// run as a digest; the kernel side of "the same" is the build's cache key (source hash + resolved .config).
import { createHash } from 'node:crypto';
import type { TestSet } from './testsets.js';

export interface RunExtras {
  /** Extra NUT kernel command-line words (`testlab run --cmdline`, a configured kernel's extraCmdline). */
  cmdline?: readonly string[];
  /** Extra NUT sysctls on top of the set's (`testlab run --sysctl`). */
  sysctls?: Readonly<Record<string, string>>;
}

/** JSON with object keys sorted, so equal values give equal text whatever order they were built in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The digest of a run's setup: `sha256:<hex>`. The set's title and the origins of its files do not count. */
export function runSetupDigest(set: TestSet, extras: RunExtras = {}): string {
  const setup = {
    testset: set.name,
    mode: set.mode,
    engine: set.engine,
    engineSection: set.engineSection ?? null,
    links: set.links,
    sysctls: set.sysctls,
    cases: set.cases,
    index: set.index,
    kernelConfig: set.kernelConfig.text,
    extraCmdline: extras.cmdline ?? [],
    extraSysctls: extras.sysctls ?? {},
  };
  return `sha256:${createHash('sha256').update(canonical(setup)).digest('hex')}`;
}
