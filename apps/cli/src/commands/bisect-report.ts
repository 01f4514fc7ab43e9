// How `testlab bisect` tells a bisection, the same whether it ran here or on a lab it follows (--lab): a line
// per step as it ends, then every step in a table and the culprit with its proof, or why nobody is blamed.
import type { BisectionRecord, BisectionStep } from '@testlab/core';
import { table } from '../format.js';

export function printBisection(b: BisectionRecord, steps: BisectionStep[]): void {
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(table(
    ['STEP', 'ROLE', 'COMMIT', 'OUTCOME', 'BUILD', 'BOOT', 'TEST', 'RUN', 'WHY'],
    steps.map((s) => [String(s.n), s.role, s.commit.slice(0, 12), s.outcome ?? 'running', secs(s.buildMs), secs(s.bootMs), secs(s.testMs), s.runId === null ? '-' : String(s.runId), s.reason ?? '']),
  ));
  if (b.status === 'found' && b.culprit) {
    w(`culprit: ${b.culprit.commit}`);
    w(`  ${b.culprit.subject}`);
    w(`  author: ${b.culprit.author}`);
    w(`proof: ${b.reason}`);
  } else {
    w(`${b.status}: ${b.reason ?? ''}`);
  }
}

/** `step 3: search 0123456789ab bad (build 312 s, boot 15 s, test 6 s)`, and why when it was skipped or disagreed. */
export function stepLine(s: BisectionStep): string {
  const why = s.outcome === 'skip' || s.outcome === 'disagree' ? `: ${s.reason ?? ''}` : '';
  return `step ${s.n}: ${s.role} ${s.commit.slice(0, 12)} ${s.outcome ?? 'running'} (build ${secs(s.buildMs)}, boot ${secs(s.bootMs)}, test ${secs(s.testMs)})${why}`;
}

export function secs(ms: number | null): string {
  return ms === null ? '-' : `${Math.round(ms / 1000)} s`;
}
