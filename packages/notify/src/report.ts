// What the notifier is told when a run is finished and compared with its baseline. Built by whoever runs
// the diff (see docs/architecture.md); kept free of the diff package's types so either can change alone.
import type { KernelVersion, Verdict } from '@testlab/core';

export interface RegressedCase {
  caseId: string;
  title: string;
  /** The verdict of the baseline run. */
  expected: Verdict;
  seen: Verdict;
  /** The case's own explanation of what it saw. */
  reason: string;
  /** How many capture files the case wrote (linked by index). */
  pcapCount: number;
  /**
   * Failing attempts of all attempts: the first plus the lab's reruns (3/3: it failed every time, so it is
   * no flake), else over the recent runs of its stream. Absent when the diff did not count them.
   */
  failRuns?: { fail: number; runs: number };
  /** The commit a bisection of this case proved made it fail, once one did (emails composed after name it). */
  culprit?: { bisectionId: number; commit: string; subject: string; author: string };
}

export interface RunReport {
  runId: number;
  /** Parsed where the lab read the run (subscriptions match its streams), or null when it never identified its kernel. */
  kernelVersion: KernelVersion | null;
  testset: string;
  nut: string;
  status: string;
  finishedAt: string;
  /** The run compared against (its version as shown); null when there was no baseline yet. */
  baseline: { runId: number; kernelVersion: string | null } | null;
  regressions: RegressedCase[];
  counts: Record<Verdict, number>;
  /** Every case id of the run: a case-prefix filter on an every-run subscription looks here. */
  caseIds: string[];
}
