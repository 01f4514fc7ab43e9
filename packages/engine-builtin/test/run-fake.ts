// Runs one catalogue case against the fake NUT (test/fake-nut.ts) over an in-memory Link0.
import type { CaseResult, Link, NutMode } from '@testlab/core';
import { FAKE_NUT_LINK1_MAC, FAKE_NUT_MAC, startFakeNut, type FakeNut, type Misbehaviour } from './fake-nut.js';
import { runCaseOnFake } from './run-on-fake.js';

/** Runs case `id` against a fake started by `start` (the shared fake unless a test brings its own). */
export async function runAgainstFake<B extends Misbehaviour>(id: string, bad: B = {} as B, mode: NutMode = 'host', start: (link: Link, bad: B, router?: { link1: Link }) => FakeNut = startFakeNut): Promise<CaseResult> {
  const router = mode === 'router';
  return runCaseOnFake(id, {
    mode,
    macs: router ? [FAKE_NUT_MAC, FAKE_NUT_LINK1_MAC] : [FAKE_NUT_MAC],
    start: ([link0, link1]) => {
      const fake = start(link0!, bad, router ? { link1: link1! } : undefined);
      return { exec: async (argv) => fake.exec(argv) || { code: 0, stdout: '', stderr: '' }, stop: () => fake() };
    },
  });
}

export interface Expectation<B extends Misbehaviour = Misbehaviour> {
  id: string;
  bad: B;
  reason: RegExp;
}
