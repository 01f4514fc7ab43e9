// Shared test inputs: a mail config pointing at a loopback SMTP sink, a manual clock, a run report.
import { parseKernelVersion, type Verdict } from '@testlab/core';
import { parseMailConfig, type MailConfig, type RunReport } from '../src/index.js';
import { SINK_AUTH } from './smtp-sink.js';

/** Made with `openssl rand -hex 32`: the config refuses hand-made secrets. */
export const SECRET = 'def2f66b1aa0fdda2402d5a7f34cf80e63a1d6fceb463c0d31f24376e3b153b8';

export function mailConfig(port: number, auth: { user: string; pass: string } = SINK_AUTH): MailConfig {
  return parseMailConfig({
    smtp: { host: '127.0.0.1', port, tls: 'none', auth },
    from: 'testlab <lab@lab.example.org>',
    baseUrl: 'https://lab.example.org/',
    secret: SECRET,
  });
}

export class Clock {
  #ms: number;
  constructor(start = '2025-01-07T03:00:00.000Z') {
    this.#ms = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}

const counts = (pass: number, fail: number): Record<Verdict, number> => ({ PASS: pass, FAIL: fail, WARN: 0, NA: 0, ERROR: 0 });

export function regressionReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: 42,
    kernelVersion: parseKernelVersion('6.1.192'),
    testset: 'phase2-host',
    nut: 'qemu-x86_64',
    status: 'done',
    finishedAt: '2025-01-07T03:00:00.000Z',
    baseline: { runId: 40, kernelVersion: '6.1.191' },
    regressions: [
      {
        caseId: 'v6LC.2.1.5',
        title: 'Neighbor Solicitation processing',
        expected: 'PASS',
        seen: 'FAIL',
        reason: 'expected NA with <Override> flag set, seen no reply within 3s',
        pcapCount: 2,
        // Failed on the first attempt and on both of the lab's reruns: a regression, not a flake.
        failRuns: { fail: 3, runs: 3 },
      },
    ],
    counts: counts(6, 1),
    caseIds: ['v6LC.1.1.1', 'v6LC.2.1.5', 'v6LC.5.1.1'],
    ...overrides,
  };
}
