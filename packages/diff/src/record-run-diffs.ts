// The hook the pipeline/scheduler calls once a run has finished: pick its baselines, classify every
// difference, and store the result, so no page view ever recomputes a diff. I/O goes through the
// ResultsQuery contract only; the decisions are the pure functions beside this file.
import {
  releaseStream,
  VERDICTS,
  type CaseVerdict,
  type KernelVersion,
  type RerunCases,
  type ResultsQuery,
  type RunIdentity,
  type RunTotals,
  type StoredDiff,
  type Verdict,
} from '@testlab/core';
import { selectBaselines } from './baselines.js';
import { DEFAULT_FLAKY_POLICY, diffVerdicts, isFailing, type CaseEvidence, type FlakyPolicy } from './classify.js';

export interface RecordDiffOptions {
  /** Key releases every run is also compared with, e.g. 6.6 for the LTS line's final (the lab config parses them). */
  pinned?: readonly KernelVersion[];
  flaky?: FlakyPolicy;
  /** Rerun each case that newly fails this many times before calling it a regression (0: never). */
  reruns?: number;
  /**
   * Reruns newly failing cases of this run on the same NUT and kernel. Whoever holds the NUT owns it (the
   * scheduler's job, `testlab run`); it answers, per case id, the verdict of each extra attempt.
   */
  rerun?: RerunCases;
}

export interface RecordedDiffs {
  /** The run as the diffs judged it (its parsed kernel version: what notify matches subscriptions by). */
  run: RunIdentity;
  diffs: StoredDiff[];
  totals: RunTotals;
}

export class RunNotDiffableError extends Error {
  constructor(readonly runId: number) {
    super(`run ${runId} cannot be diffed: it does not exist, is still running, or never identified its kernel`);
    this.name = 'RunNotDiffableError';
  }
}

export async function recordRunDiffs(store: ResultsQuery, runId: number, options: RecordDiffOptions = {}): Promise<RecordedDiffs> {
  const inputs = await store.diffInputs(runId);
  if (!inputs) throw new RunNotDiffableError(runId);
  const { run, results } = inputs;
  const policy = options.flaky ?? DEFAULT_FLAKY_POLICY;

  const byVersion = new Map(inputs.candidates.map((c) => [c.kernelVersion.text, c]));
  const choices = selectBaselines(run.kernelVersion, inputs.candidates.map((c) => c.kernelVersion), options.pinned ?? []);
  const baselines = choices.flatMap((choice) => {
    const r = byVersion.get(choice.version.text);
    return r ? [{ choice, run: r }] : [];
  });
  const verdicts = new Map<number, CaseVerdict[]>();
  for (const b of baselines) verdicts.set(b.run.runId, await store.verdictsOf(b.run.runId));

  // Cases whose PASS/failing state differs from some baseline: only they need history or reruns.
  const turned = new Set<string>();
  const newlyFailing = new Set<string>();
  for (const b of baselines) {
    const base = new Map((verdicts.get(b.run.runId) ?? []).map((c) => [c.caseId, c.verdict]));
    for (const c of results) {
      const before = base.get(c.caseId);
      if (before === undefined) continue;
      if (before === 'PASS' && isFailing(c.verdict)) {
        turned.add(c.caseId);
        newlyFailing.add(c.caseId);
      } else if (isFailing(before) && c.verdict === 'PASS') turned.add(c.caseId);
    }
  }
  const recent = turned.size > 0 ? await recentVerdicts(store, run, [...turned], policy.window - 1) : new Map<string, Verdict[]>();
  const reruns =
    options.rerun && (options.reruns ?? 0) > 0 && newlyFailing.size > 0
      ? await options.rerun([...newlyFailing], options.reruns ?? 0)
      : new Map<string, readonly Verdict[]>();

  // What this kernel and each baseline's kernel did across all their runs (a flake on either side must not
  // read as a regression or fix), for the cases that turned only.
  const acrossRuns = turned.size > 0
    ? await kernelVerdicts(store, run, [...turned], [run.kernelVersion.text, ...baselines.map((b) => b.run.kernelVersion.text)])
    : new Map<string, Map<string, Verdict[]>>();
  const failingSince = await streakStarts(store, run, results, baselines[0]?.run, verdicts);
  const evidenceAgainst = (base: RunIdentity) => (caseId: string): CaseEvidence => ({
    recent: recent.get(caseId) ?? [],
    reruns: reruns.get(caseId) ?? [],
    sameKernel: acrossRuns.get(run.kernelVersion.text)?.get(caseId) ?? [],
    baselineKernel: acrossRuns.get(base.kernelVersion.text)?.get(caseId) ?? [],
    failingSince: failingSince.get(caseId) ?? null,
  });

  const diffs: StoredDiff[] = baselines.map(({ choice, run: base }) => {
    const { entries, counts } = diffVerdicts(verdicts.get(base.runId) ?? [], results, evidenceAgainst(base), policy, { listRemoved: inputs.complete });
    return {
      runId,
      baselineRunId: base.runId,
      baselineKernel: base.kernelVersion.text,
      roles: choice.roles,
      wanted: choice.wanted,
      counts,
      entries,
    };
  });
  const totals = totalsOf(results, diffs);
  await store.saveDiffs(runId, diffs, failingSince, totals);
  return { run, diffs, totals };
}

/** How far back to look for `window` runs of the same stream among a test set's interleaved streams. */
const PRIOR_RUNS_SCANNED = 4;

/** Each case's verdicts in the latest `window` earlier runs of the same stream, newest first. */
async function recentVerdicts(
  store: ResultsQuery,
  run: RunIdentity,
  caseIds: readonly string[],
  window: number,
): Promise<Map<string, Verdict[]>> {
  const stream = releaseStream(run.kernelVersion);
  const prior = (await store.priorRuns(run.runId, Math.max(1, window * PRIOR_RUNS_SCANNED)))
    .filter((r) => releaseStream(r.kernelVersion) === stream)
    .slice(0, window);
  const found = await store.verdictsIn(
    prior.map((r) => r.runId),
    caseIds,
  );
  const out = new Map<string, Verdict[]>();
  for (const id of caseIds) {
    out.set(
      id,
      prior.flatMap((r) => {
        const v = found.get(r.runId)?.get(id);
        return v ? [v] : [];
      }),
    );
  }
  return out;
}

/** How many earlier runs of the set are searched for other runs of the same kernels. */
const KERNEL_RUNS_SCANNED = 200;

/**
 * Each case's verdicts in every earlier finished run of each of these kernels (same set and NUT kind),
 * newest first: kernel version text -> case id -> verdicts. This run itself is not among them.
 */
async function kernelVerdicts(
  store: ResultsQuery,
  run: RunIdentity,
  caseIds: readonly string[],
  versions: readonly string[],
): Promise<Map<string, Map<string, Verdict[]>>> {
  const wanted = new Set(versions);
  const prior = (await store.priorRuns(run.runId, KERNEL_RUNS_SCANNED)).filter((r) => wanted.has(r.kernelVersion.text));
  const found = prior.length > 0 ? await store.verdictsIn(prior.map((r) => r.runId), caseIds) : new Map<number, Map<string, Verdict>>();
  const out = new Map<string, Map<string, Verdict[]>>();
  for (const version of wanted) {
    const runs = prior.filter((r) => r.kernelVersion.text === version);
    const byCase = new Map<string, Verdict[]>();
    for (const id of caseIds) {
      byCase.set(id, runs.flatMap((r) => {
        const v = found.get(r.runId)?.get(id);
        return v ? [v] : [];
      }));
    }
    out.set(version, byCase);
  }
  return out;
}

/**
 * Where each failing case's streak began. Follows the most specific baseline (the previous run of the
 * same stream): still failing there means the streak began where it began for that run; otherwise here.
 */
async function streakStarts(
  store: ResultsQuery,
  run: RunIdentity,
  results: readonly CaseVerdict[],
  previous: RunIdentity | undefined,
  verdicts: ReadonlyMap<number, CaseVerdict[]>,
): Promise<Map<string, { runId: number; kernelVersion: string }>> {
  const failing = results.filter((c) => isFailing(c.verdict)).map((c) => c.caseId);
  const here = { runId: run.runId, kernelVersion: run.kernelVersion.text };
  const out = new Map<string, { runId: number; kernelVersion: string }>();
  if (!previous) {
    for (const id of failing) out.set(id, here);
    return out;
  }
  const before = new Map((verdicts.get(previous.runId) ?? []).map((c) => [c.caseId, c.verdict]));
  const carried = failing.filter((id) => isFailing(before.get(id)));
  const marks = carried.length > 0 ? await store.failingSinceOf(previous.runId, carried) : new Map();
  const there = { runId: previous.runId, kernelVersion: previous.kernelVersion.text };
  for (const id of failing) out.set(id, isFailing(before.get(id)) ? (marks.get(id) ?? there) : here);
  return out;
}

function totalsOf(results: readonly CaseVerdict[], diffs: readonly StoredDiff[]): RunTotals {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of results) counts[r.verdict]++;
  const distinct = (cls: string) => new Set(diffs.flatMap((d) => d.entries.filter((e) => e.class === cls).map((e) => e.caseId))).size;
  return {
    counts,
    regressions: diffs[0]?.counts.regression ?? 0,
    regressionsAny: distinct('regression'),
    fixes: diffs[0]?.counts.fix ?? 0,
    flaky: distinct('flaky'),
  };
}
