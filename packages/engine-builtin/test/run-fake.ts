// Runs one catalogue case against the fake NUT (test/fake-nut.ts) over an in-memory Link0.
import type { CaseResult, NutMode } from '@testlab/core';
import { FAKE_NUT_LINK1_MAC, FAKE_NUT_MAC, startFakeNut, type Misbehaviour } from './fake-nut.js';
import { runCaseOnFake } from './run-on-fake.js';

export async function runAgainstFake(id: string, bad: Misbehaviour = {}, mode: NutMode = 'host'): Promise<CaseResult> {
  const router = mode === 'router';
  return runCaseOnFake(id, {
    mode,
    macs: router ? [FAKE_NUT_MAC, FAKE_NUT_LINK1_MAC] : [FAKE_NUT_MAC],
    start: ([link0, link1]) => {
      const stop = startFakeNut(link0!, bad, router ? { link1: link1! } : undefined);
      return { exec: async (argv) => (stop.exec(argv), { code: 0, stdout: '', stderr: '' }), stop: () => stop() };
    },
  });
}

export interface Expectation {
  id: string;
  bad: Misbehaviour;
  reason: RegExp;
}
