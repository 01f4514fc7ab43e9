// Reads a test set definition (`testsets/<name>.yaml` + its kconfig fragment) once and validates every
// field: the file is edited by hand, and its values reach the NUT's kernel command line and sysctls. The
// fields every set has are checked here; the section named after its engine (`builtin:`, `tahi:`,
// `kselftest:`) by that engine's own parser, and its cases against that engine's catalogue. What comes back
// carries all of it, so no caller reads the file again.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { TestSet } from '@testlab/core';
import { ENGINES, engineDriver } from '@testlab/engines';

const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;
// Core ids (`v6LC.5.1.2-A`) and IPsec_Self_Test_P2 ids (`IPsec.5.1.5-a`, `-udp` for the UDP variant).
const CASE_ID = /^(v6LC\.[1-5]\.[0-9]{1,2}\.[0-9]{1,2}(-[A-Z])?|IPsec\.[56]\.[0-9]{1,2}\.[0-9]{1,2}(-[a-z])?(-udp)?)$/;
const SYSCTL_KEY = /^[a-z0-9_]+(\.[a-z0-9_-]+)+$/;
const SYSCTL_VALUE = /^[A-Za-z0-9_.:-]{1,64}$/;

const schema = z
  .object({
    name: z.string().regex(NAME, 'lower-case letters, digits and dashes'),
    title: z.string().min(1).max(200),
    mode: z.enum(['host', 'router', 'ipsec-end-node', 'security-gateway']),
    engine: z.string().regex(NAME),
    links: z.number().int().min(1).max(4),
    kernelConfig: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,60}\.config$/, 'a file name beside the test set, ending .config'),
    sysctls: z
      .record(z.string().regex(SYSCTL_KEY, 'a sysctl name like net.ipv6.conf.all.forwarding'), z.string().regex(SYSCTL_VALUE))
      .default({}),
    // Sets of the external engines (tahi, kselftest) name their targets or tests in their section instead.
    cases: z.array(z.string().regex(CASE_ID, 'a Ready Logo id like v6LC.5.1.2, v6LC.5.1.2-A, IPsec.5.1.5-a or IPsec.5.1.1-udp')).default([]),
    /** TAHI INDEX files (under tahi-index/) the set stands for, in autorun order: what coverage counts against. */
    index: z.array(z.string().regex(/^[a-z0-9]+\.p2\/INDEX_[A-Za-z0-9_]+$/, 'an INDEX file like nd.p2/INDEX_ND_p2_host')).default([]),
    // One section per engine, named after it; only the set's own engine's may be there (checked below).
    ...Object.fromEntries(Object.keys(ENGINES).map((id) => [id, z.unknown().optional()])),
  })
  .strict();

export class TestSetError extends Error {
  constructor(file: string, problem: string) {
    super(`test set ${file}: ${problem}`);
    this.name = 'TestSetError';
  }
}

/** Loads `<dir>/<name>.yaml`; `name` itself is validated before it becomes a path. */
export async function loadTestSet(dir: string, name: string): Promise<TestSet> {
  if (!NAME.test(name)) throw new TestSetError(name, 'a test set name is lower-case letters, digits and dashes');
  const file = path.join(dir, `${name}.yaml`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const known = await listTestSets(dir).catch(() => []);
    throw new TestSetError(file, `not found (known test sets: ${known.join(', ') || 'none'})`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new TestSetError(file, doc.errors.map((e) => e.message).join('; '));
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new TestSetError(file, issues.join('; '));
  }
  const def = parsed.data as z.infer<typeof schema> & Record<string, unknown>;
  if (def.name !== name) throw new TestSetError(file, `name "${def.name}" does not match the file name`);
  const duplicates = def.cases.filter((c, i) => def.cases.indexOf(c) !== i);
  if (duplicates.length > 0) throw new TestSetError(file, `cases listed twice: ${duplicates.join(', ')}`);
  const driver = guard(file, () => engineDriver(def.engine, def.name));
  const foreign = Object.keys(ENGINES).filter((id) => id !== def.engine && def[id] !== undefined);
  if (foreign.length > 0) throw new TestSetError(file, `section ${foreign.join(', ')}: this set's engine is ${def.engine}`);
  const fragment = await readFile(path.join(dir, def.kernelConfig), 'utf8').catch(() => {
    throw new TestSetError(file, `kernelConfig ${def.kernelConfig} not found beside it`);
  });
  const common = {
    name: def.name,
    title: def.title,
    mode: def.mode,
    engine: def.engine,
    links: def.links,
    sysctls: def.sysctls,
    cases: def.cases,
    index: def.index,
    kernelConfig: { origin: `testset ${def.name}`, text: fragment },
  };
  const engineSection = guard(file, () => driver.parseSection(def[def.engine], common));
  // The one check of a set's cases: a typo here would otherwise be a silent NA every night.
  const catalogue = driver.catalogue(engineSection);
  const unknown = def.cases.filter((c) => !catalogue.has(c));
  if (unknown.length > 0) throw new TestSetError(file, `names cases the ${driver.id} engine does not have: ${unknown.join(', ')}`);
  return { ...common, engineSection };
}

/** A problem an engine found, reported as the set's. */
function guard<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new TestSetError(file, error instanceof Error ? error.message : String(error));
  }
}

export async function listTestSets(dir: string): Promise<string[]> {
  const files = await readdir(dir);
  return files.filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}
