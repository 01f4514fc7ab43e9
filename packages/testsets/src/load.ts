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
    // Sets of the external engines (tahi, kselftest) name their targets or tests instead: checked below.
    cases: z.array(z.string().regex(CASE_ID, 'a Ready Logo id like v6LC.5.1.2 or v6LC.5.1.2-A')).default([]),
    /** engine tahi: the Self_Test / IPsec_Self_Test_P2 make targets the set runs on the tester host. */
    tahi: z.object({ targets: z.array(z.string().regex(/^ipv6ready_[a-z0-9_]{1,40}$/, 'a make target like ipv6ready_p2_host')).min(1) }).strict().optional(),
    /** engine kselftest: net selftests run on the NUT, each stopped after timeoutS. */
    kselftest: z
      .object({
        tests: z.array(z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,80}$/, 'a program of tools/testing/selftests/net')).min(1),
        timeoutS: z.number().int().min(1).max(3600).default(300),
      })
      .strict()
      .optional(),
    /** TAHI INDEX files (under tahi-index/) the set stands for, in autorun order: what coverage counts against. */
    index: z.array(z.string().regex(/^[a-z0-9]+\.p2\/INDEX_[A-Za-z0-9_]+$/, 'an INDEX file like nd.p2/INDEX_ND_p2_host')).default([]),
    radvd: z
      .object({
        links: z.array(z.string().regex(/^Link[0-9]$/, 'Link0..Link9')).min(1),
        minIntervalS: z.number().int().min(3).max(1350),
        maxIntervalS: z.number().int().min(4).max(1800),
      })
      .strict()
      .refine((r) => r.minIntervalS <= 0.75 * r.maxIntervalS, 'minIntervalS must be at most 0.75 maxIntervalS (RFC 4861 §6.2.1)')
      .optional(),
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
  return (await loadTestSetDefinition(dir, name)).testset;
}

/** The test set and the TAHI INDEX files it names (for coverage). */
export async function loadTestSetDefinition(dir: string, name: string): Promise<{
  testset: TestSet;
  index: string[];
  tahi?: { targets: string[] };
  kselftest?: { tests: string[]; timeoutS: number };
}> {
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
  if (def.cases.length === 0 && !def.tahi && !def.kselftest) throw new TestSetError(file, 'cases: list at least one case (only tahi and kselftest sets name targets or tests instead)');
  if (def.name !== name) throw new TestSetError(file, `name "${def.name}" does not match the file name`);
  const duplicates = def.cases.filter((c, i) => def.cases.indexOf(c) !== i);
  if (duplicates.length > 0) throw new TestSetError(file, `cases listed twice: ${duplicates.join(', ')}`);
  const fragmentFile = path.join(dir, def.kernelConfig);
  const fragment = await readFile(fragmentFile, 'utf8').catch(() => {
    throw new TestSetError(file, `kernelConfig ${def.kernelConfig} not found beside it`);
  });
  if (def.radvd) {
    const unknown = def.radvd.links.filter((l) => Number(l.slice(4)) >= def.links);
    if (unknown.length > 0) throw new TestSetError(file, `radvd.links names ${unknown.join(', ')} but the set has ${def.links} link(s)`);
    if (def.mode !== 'router' && def.mode !== 'security-gateway') throw new TestSetError(file, `radvd runs on router NUTs only, not in mode ${def.mode}`);
  }
  const testset: TestSet = {
    name: def.name,
    title: def.title,
    mode: def.mode,
    engine: def.engine,
    links: def.links,
    sysctls: def.sysctls,
    cases: def.cases,
    kernelConfig: { origin: `testset ${def.name}`, text: fragment },
    ...(def.radvd ? { modeSettings: { radvd: def.radvd } } : {}),
  };
  return { testset, index: def.index, ...(def.tahi ? { tahi: def.tahi } : {}), ...(def.kselftest ? { kselftest: def.kselftest } : {}) };
}

export async function listTestSets(dir: string): Promise<string[]> {
  const files = await readdir(dir);
  return files.filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort();
}
