// POST /api/bisections on a lab: the request is checked against the lab's config (its test sets, its NUT
// pool, the trees mirrored in its cache) by bisect's startBisection, the one way a bisection is requested,
// then queued as labd queues the bisections it starts by itself (bisect's queueBisection): a NUT of the
// bisection's profile in the set's mode, on a host that builds, holds it. labd, another process, finds the
// job at its next idle poll.
import type { BisectionStore, JobQueue, NutMode, ResultsQuery, TestSet } from '@testlab/core';
import { BisectionRefused, queueBisection, startBisection, type BisectionDesk, type InputNames } from '@testlab/bisect';
import { compareRuns } from '@testlab/diff';
import { bisectRepository, validateBisectRange } from '@testlab/kernel-sources';
import type { LabConfig } from '@testlab/lab-config';
import type { LabPlan } from '@testlab/scheduler';
import type { StartLabBisection } from './routes/bisection-requests.js';

/** The API's field names, as its refusals name them. */
const FIELD_NAMES: InputNames = {
  good: 'good', bad: 'bad', cases: 'cases', testset: 'testset', tree: 'tree', nut: 'nut', confirmRuns: 'confirmRuns', maxSteps: 'maxSteps',
};

export interface LabBisectionStores {
  results: ResultsQuery;
  bisections: BisectionStore;
  queue: JobQueue;
}

export function labBisections(stores: LabBisectionStores, plan: Pick<LabPlan, 'testsets' | 'context'>, config: Pick<LabConfig, 'cache' | 'bisect'>): StartLabBisection {
  const desk: BisectionDesk = {
    results: stores.results,
    bisections: stores.bisections,
    names: FIELD_NAMES,
    // What labd's own bisections get.
    defaults: { confirmRuns: config.bisect.confirmRuns, maxSteps: config.bisect.maxSteps },
    testset: async (name) => configuredSet(plan.testsets, name),
    // On the web host's mirror: labd's worker resolves nothing again (the commits are stored in full).
    range: (tree, good, bad) => validateBisectRange(bisectRepository(config.cache, tree), good, bad),
    compare: (good, bad) => compareRuns(stores.results, good, bad),
    profile: (set, asked) => profileFor(plan.context.pool, set, asked),
  };
  return async (ask) => {
    const { bisection, created } = await startBisection(desk, { ...ask, requestedBy: 'api' });
    // The same range and set found again is the same set's (the key names it).
    const job = await queueBisection(stores.queue, bisection, configuredSet(plan.testsets, bisection.testset).mode);
    return { bisection, created, job: job === undefined ? null : { id: job.jobId, created: job.created } };
  };
}

/** Only a set labd runs (testsets.run) can be bisected by it: lab-bisect.ts looks the set up there. */
function configuredSet(testsets: ReadonlyMap<string, TestSet>, name: string): TestSet {
  const set = testsets.get(name);
  if (set === undefined) throw new BisectionRefused(`test set ${name} is not configured on this lab (testsets.run: ${[...testsets.keys()].join(', ')})`);
  return set;
}

/**
 * The profile the steps run on, as the trigger's planner places a run: a NUT of the pool with that profile
 * must offer the set's mode. Asked for (or the runs'), it must be such a profile; else the one there is.
 */
function profileFor(pool: readonly { profile: string; modes: readonly NutMode[] }[], set: TestSet, asked: string | undefined): string {
  const offering = [...new Set(pool.filter((n) => n.modes.includes(set.mode)).map((n) => n.profile))];
  if (offering.length === 0) throw new BisectionRefused(`no NUT of this lab offers mode ${set.mode}, which test set ${set.name} needs`);
  if (asked !== undefined) {
    if (!offering.includes(asked)) throw new BisectionRefused(`no NUT of profile ${asked} offers mode ${set.mode} on this lab (test set ${set.name} can run on ${offering.join(', ')})`);
    return asked;
  }
  if (offering.length > 1) throw new BisectionRefused(`NUTs of profiles ${offering.join(', ')} offer mode ${set.mode}: give nut`);
  return offering[0]!;
}
