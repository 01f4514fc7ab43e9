// Runs one case of the catalogue against a fake NUT over in-memory links (Link0, Link1, ...): the one way
// every case test file puts a case in front of its fake, whichever fake that is.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaseResult, ExecResult, Link, NutMode } from '@testlab/core';
import { caseCatalogue, runCases, type CaseDefinition } from '../src/index.js';
import { linkPair } from './fake-nut.js';

/** A fake NUT once started: it answers the case's NUT commands and stops with the case. */
export interface RunningFake {
  exec(argv: string[]): Promise<ExecResult>;
  stop(): void;
}

export interface FakeSetup {
  mode: NutMode;
  /** The NUT's MAC on Link0, Link1, ... (one per link the case gets). */
  macs: readonly string[];
  /** Starts the fake on its ends of the links, in the same order. */
  start(nutEnds: Link[]): RunningFake;
}

/** The case's verdict against the fake; `id` names a catalogue case, or is a definition of the test's own. */
export async function runCaseOnFake(id: string | CaseDefinition, setup: FakeSetup): Promise<CaseResult> {
  const [result] = await runCasesOnOneFake([id], setup);
  return result!;
}

/** The cases one after the other on one fake, as a pool NUT runs them: what a case leaves behind, the next one meets. */
export async function runCasesOnOneFake(ids: ReadonlyArray<string | CaseDefinition>, setup: FakeSetup): Promise<CaseResult[]> {
  const defs = ids.map((id) => {
    const def = typeof id === 'string' ? caseCatalogue.get(id) : id;
    assert.ok(def, `no case ${String(id)}`);
    return def;
  });
  const pairs = setup.macs.map((_, i) => linkPair(`Link${i}`));
  const fake = setup.start(pairs.map(([, nutEnd]) => nutEnd));
  const dir = await mkdtemp(path.join(tmpdir(), 'case-'));
  try {
    return await runCases(defs, {
      nut: {
        links: setup.macs.map((nutMac, i) => ({ name: `Link${i}`, nutMac, nutIfname: `eth${i + 1}`, endpoint: { kind: 'udp-ethernet' as const, testerPort: 0, nutPort: 0 } })),
        exec: (argv) => fake.exec(argv),
      },
      mode: setup.mode,
      links: new Map(pairs.map(([tester], i) => [`Link${i}`, tester])),
      artifactsDir: dir,
    });
  } finally {
    fake.stop();
    // The captures were the case's evidence; tests look only at the result (30,000 folders were left in /tmp).
    await rm(dir, { recursive: true, force: true });
  }
}

/** The mode a case runs in by default: host where it applies to hosts, else router. */
export const defaultModeOf = (id: string): NutMode => {
  const def = caseCatalogue.get(id);
  assert.ok(def, `no case ${id}`);
  return def.appliesTo.includes('host') ? 'host' : 'router';
};
