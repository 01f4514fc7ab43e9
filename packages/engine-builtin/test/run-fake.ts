// Runs one catalogue case against the fake NUT (test/fake-nut.ts) over an in-memory Link0.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaseResult, Link, NutMode } from '@testlab/core';
import { caseCatalogue, runCases } from '../src/index.js';
import { FAKE_NUT_LINK1_MAC, FAKE_NUT_MAC, linkPair, startFakeNut, type FakeNut, type Misbehaviour } from './fake-nut.js';

/** Runs case `id` against a fake started by `start` (the shared fake unless a test brings its own). */
export async function runAgainstFake<B extends Misbehaviour>(id: string, bad: B = {} as B, mode: NutMode = 'host', start: (link: Link, bad: B, router?: { link1: Link }) => FakeNut = startFakeNut): Promise<CaseResult> {
  const def = caseCatalogue.get(id);
  assert.ok(def, `no case ${id}`);
  const [tester, nutEnd] = linkPair();
  const [tester1, nutEnd1] = linkPair('Link1');
  const router = mode === 'router';
  const fake = start(nutEnd, bad, router ? { link1: nutEnd1 } : undefined);
  const dir = await mkdtemp(path.join(tmpdir(), 'case-'));
  const commands: string[][] = [];
  try {
    const [result] = await runCases([def], {
      nut: {
        links: [
          { name: 'Link0', nutMac: FAKE_NUT_MAC, nutIfname: 'eth1', endpoint: { kind: 'udp-ethernet', testerPort: 0, nutPort: 0 } },
          ...(router ? [{ name: 'Link1', nutMac: FAKE_NUT_LINK1_MAC, nutIfname: 'eth2', endpoint: { kind: 'udp-ethernet' as const, testerPort: 0, nutPort: 0 } }] : []),
        ],
        exec: async (argv) => (commands.push(argv), fake.exec(argv) || { code: 0, stdout: '', stderr: '' }),
      },
      mode,
      links: new Map(router ? [['Link0', tester], ['Link1', tester1]] : [['Link0', tester]]),
      artifactsDir: dir,
    });
    return result!;
  } finally {
    fake();
  }
}

export interface Expectation<B extends Misbehaviour = Misbehaviour> {
  id: string;
  bad: B;
  reason: RegExp;
}
