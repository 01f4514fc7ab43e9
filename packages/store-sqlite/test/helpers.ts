// Shared fixtures: a real SQLite file in a fresh temp dir, and a clock the test moves by hand.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseResult } from '@testlab/core';

/** A temp dir removed by `cleanup()`; `file(name)` is a path inside it. */
export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'testlab-store-'));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

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
