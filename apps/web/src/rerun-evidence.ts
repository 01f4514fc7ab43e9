// The evidence of a case's reruns, from the run's artifacts: the pipeline keeps each attempt under
// `reruns/attempt-<n>/` (`cases/<case>.log`, `cases/<case>/<link>.pcap`), recorded as `rerun-*` artifacts.
// The case page lists them per attempt, so a "fail:runs 3/3" can be checked attempt by attempt.
import path from 'node:path';
import type { StoredArtifact } from '@testlab/core';

export interface RerunAttempt {
  attempt: number;
  files: Array<{ id: number; kind: string; name: string }>;
}

export function rerunEvidence(artifacts: readonly StoredArtifact[], caseId: string): RerunAttempt[] {
  const byAttempt = new Map<number, RerunAttempt>();
  for (const a of artifacts) {
    if (a.kind !== 'rerun-log' && a.kind !== 'rerun-pcap') continue;
    const parts = a.path.split(path.sep);
    const at = parts.lastIndexOf('reruns');
    const attempt = /^attempt-([0-9]+)$/.exec(parts[at + 1] ?? '')?.[1];
    if (at < 0 || attempt === undefined || parts[at + 2] !== 'cases') continue;
    // This case's own log file or a capture inside this case's folder; nothing of another case.
    const own = a.kind === 'rerun-log' ? parts[at + 3] === `${caseId}.log` && parts.length === at + 4 : parts[at + 3] === caseId;
    if (!own) continue;
    const n = Number(attempt);
    const entry = byAttempt.get(n) ?? { attempt: n, files: [] };
    entry.files.push({ id: a.id, kind: a.kind === 'rerun-log' ? 'log' : 'pcap', name: path.basename(a.path) });
    byAttempt.set(n, entry);
  }
  return [...byAttempt.values()].sort((x, y) => x.attempt - y.attempt);
}
