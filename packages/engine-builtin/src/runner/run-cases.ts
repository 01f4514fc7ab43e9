// Runs cases one after another against one NUT: each case gets fresh captures (a pcap per link), its own
// log, and a timeout; a case that throws is the harness's ERROR, never the kernel's FAIL.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BootedNut, CaseResult, Link, NutMode } from '@testlab/core';
import type { CaseDefinition } from './case.js';
import { CaseContext } from './context.js';

export interface CaseRunOptions {
  nut: Pick<BootedNut, 'links' | 'exec'>;
  mode: NutMode;
  /** Open tester links by name (`Link0` ...), already connected to the NUT's links. */
  links: ReadonlyMap<string, Link>;
  artifactsDir: string;
  /** Optional features the set says the NUT supports (`builtin.ipsecSupports`): cases requiring others are NA. */
  supports?: ReadonlySet<string>;
  /** Called before each case: the place to reset NUT state (neighbor cache) so cases do not leak into each other; `log` writes to the case's log. */
  beforeCase?: (definition: CaseDefinition, log: (line: string) => void) => Promise<void>;
  onResult?: (result: CaseResult) => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function runCases(definitions: readonly CaseDefinition[], opts: CaseRunOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const def of definitions) {
    const result = await runOneCase(def, opts);
    results.push(result);
    await opts.onResult?.(result);
  }
  return results;
}

async function runOneCase(def: CaseDefinition, opts: CaseRunOptions): Promise<CaseResult> {
  const started = Date.now();
  if (!def.appliesTo.includes(opts.mode)) {
    return { caseId: def.id, title: def.title, verdict: 'NA', reason: `applies to ${def.appliesTo.join(', ')} NUTs only`, durationMs: 0, log: '', pcaps: [] };
  }
  const unsupported = (def.requires ?? []).filter((f) => !opts.supports?.has(f));
  if (unsupported.length > 0) {
    const reason = `an ADVANCED test (TAHI: test_type=ADVANCED support=${unsupported.join(',')}): the test set does not list ${unsupported.join(', ')} in builtin.ipsecSupports`;
    return { caseId: def.id, title: def.title, verdict: 'NA', reason, durationMs: 0, log: '', pcaps: [] };
  }
  const dir = path.join(opts.artifactsDir, safeFileName(def.id));
  await mkdir(dir, { recursive: true });
  const ctx = await CaseContext.open({ definition: def, nut: opts.nut, links: opts.links, dir, mode: opts.mode });
  let verdict: CaseResult['verdict'];
  let reason: string;
  let timer: NodeJS.Timeout | undefined;
  try {
    await opts.beforeCase?.(def, (line) => ctx.log(line));
    const timeoutMs = def.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`case did not finish within ${timeoutMs} ms`)), timeoutMs);
    });
    ({ verdict, reason } = await Promise.race([def.run(ctx), timeout]));
  } catch (error) {
    verdict = 'ERROR';
    reason = `harness error: ${error instanceof Error ? error.message : String(error)}`;
    ctx.log(reason);
  } finally {
    clearTimeout(timer);
  }
  ctx.log(`verdict ${verdict}: ${reason}`);
  const { pcaps, evidence } = await ctx.close();
  const log = ctx.logText();
  await writeFile(path.join(dir, 'case.log'), log);
  return { caseId: def.id, title: def.title, verdict, reason, durationMs: Date.now() - started, log, pcaps, ...(evidence.length > 0 ? { evidence } : {}) };
}

/** Case ids are validated names (`v6LC.5.1.2-A`); keep file names to that alphabet anyway. */
function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9.-]/g, '_');
}
