// Shared fixtures of the contract suite: a clock the test moves by hand, a case result, a finished run.
import { parseKernelVersion, type CaseResult, type LabStore, type Verdict } from '@testlab/core';

/** A manual clock, so timestamps and stage durations can be compared exactly. */
export class Clock {
  #ms: number;
  constructor(start = '2025-01-07T03:00:00.000Z') {
    this.#ms = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
  get iso(): string {
    return new Date(this.#ms).toISOString();
  }
}

export function caseResult(caseId: string, overrides: Partial<CaseResult> = {}): CaseResult {
  return {
    caseId,
    title: `title of ${caseId}`,
    verdict: 'PASS',
    reason: 'echo reply received as expected',
    durationMs: 1250.5,
    log: `-> echo request\n<- echo reply (${caseId})\n`,
    pcaps: [`/var/lib/testlab/runs/1/${caseId}/link0.pcap`, `/var/lib/testlab/runs/1/${caseId}/link1.pcap`],
    ...overrides,
  };
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A run of `version` with these verdicts, finished `done` a minute later; returns its id. */
export async function finishedRun(store: LabStore, clock: Clock, version: string, verdicts: Record<string, Verdict>, testset = 'phase2-host'): Promise<number> {
  const kernel = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: `linux-${version}`, sourceHash: `sha256:${version}` });
  const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: version, kernelRelease: version, fromCache: false });
  const run = await store.startRun({ testset, nut: 'qemu', sourceLabel: `linux-${version}`, ownerPid: process.pid });
  await store.attachKernel(run.id, kernel.id, build.id);
  for (const [caseId, verdict] of Object.entries(verdicts)) await store.addResult(run.id, caseResult(caseId, { verdict }));
  clock.advance(60_000);
  await store.finishRun(run.id, { status: 'done' });
  return run.id;
}

/** Runs `body` on a fresh lab of `backend`, dropped afterwards whatever happens. */
export async function withLab<T>(
  backend: { create(now: () => Date): Promise<import('./backend.js').TestLab> },
  clock: Clock,
  body: (lab: import('./backend.js').TestLab) => Promise<T>,
): Promise<T> {
  const lab = await backend.create(clock.now);
  try {
    return await body(lab);
  } finally {
    await lab.drop();
  }
}
