// Runs one IPsec catalogue case against the fake IPsec NUT over in-memory links, as run-set.ts would run
// it on a real NUT: in the case's mode, with the set's list of supported optional features.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaseResult, Link } from '@testlab/core';
import { IPSEC_FEATURES, caseCatalogue, runCases } from '../../src/index.js';
import { linkPair } from '../fake-nut.js';
import { FAKE_IPSEC_MACS, startFakeIpsecNut, type IpsecMisbehaviour } from './fake-ipsec-nut.js';

export interface IpsecRun {
  result: CaseResult;
  /** The argv the case sent the NUT. */
  commands: string[][];
  /** The text of each file the case kept as evidence, by its kind (`esp-sa`, ...): the folder is gone after the run. */
  kept: Record<string, string>;
}

export async function runAgainstIpsecFake(id: string, bad: IpsecMisbehaviour = {}, supports: readonly string[] = IPSEC_FEATURES): Promise<IpsecRun> {
  const def = caseCatalogue.get(id);
  assert.ok(def, `no case ${id}`);
  const mode = def.appliesTo[0] === 'security-gateway' ? 'security-gateway' : 'ipsec-end-node';
  const names = mode === 'security-gateway' ? (['Link0', 'Link1'] as const) : (['Link0'] as const);
  const pairs = names.map((n) => [n, linkPair(n)] as const);
  const nutEnds = Object.fromEntries(pairs.map(([n, [, nut]]) => [n, nut])) as { Link0: Link; Link1?: Link };
  const fake = startFakeIpsecNut(mode, nutEnds, bad);
  const dir = await mkdtemp(path.join(tmpdir(), 'ipsec-case-'));
  try {
    const [result] = await runCases([def], {
      nut: {
        links: names.map((n, i) => ({ name: n, nutMac: FAKE_IPSEC_MACS[n], nutIfname: `eth${i + 1}`, endpoint: { kind: 'udp-ethernet' as const, testerPort: 0, nutPort: 0 } })),
        exec: (argv) => fake.exec(argv),
      },
      mode,
      links: new Map(pairs.map(([n, [tester]]) => [n, tester])),
      artifactsDir: dir,
      supports: new Set(supports),
    });
    const kept: Record<string, string> = {};
    for (const e of result!.evidence ?? []) kept[e.kind] = await readFile(e.path, 'utf8');
    return { result: result!, commands: fake.commands, kept };
  } finally {
    fake.stop();
    await rm(dir, { recursive: true, force: true }); // its captures and kept files: read above, or not needed
  }
}
