// Reads a test set definition (`testsets/<name>.yaml` + its kconfig fragment) and validates every field:
// the file is edited by hand, and its values reach the NUT's kernel command line and sysctls.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { TestSet } from '@testlab/core';

const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;
const CASE_ID = /^v6LC\.[1-5]\.[0-9]{1,2}\.[0-9]{1,2}(-[A-Z])?$/;
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
    cases: z.array(z.string().regex(CASE_ID, 'a Ready Logo id like v6LC.5.1.2 or v6LC.5.1.2-A')).min(1),
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
  const def = parsed.data;
  if (def.name !== name) throw new TestSetError(file, `name "${def.name}" does not match the file name`);
  const duplicates = def.cases.filter((c, i) => def.cases.indexOf(c) !== i);
  if (duplicates.length > 0) throw new TestSetError(file, `cases listed twice: ${duplicates.join(', ')}`);
  const fragmentFile = path.join(dir, def.kernelConfig);
  const fragment = await readFile(fragmentFile, 'utf8').catch(() => {
    throw new TestSetError(file, `kernelConfig ${def.kernelConfig} not found beside it`);
  });
  return {
    name: def.name,
    title: def.title,
    mode: def.mode,
    engine: def.engine,
    links: def.links,
    sysctls: def.sysctls,
    cases: def.cases,
    kernelConfig: { origin: `testset ${def.name}`, text: fragment },
  };
}

export async function listTestSets(dir: string): Promise<string[]> {
  const files = await readdir(dir);
  return files.filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}
