// The lab's worker: one loop builds kernels, one loop per NUT runs test sets and bisections. Each loop leases a job from
// the durable queue, keeps the lease alive while it works, and settles the job. A NUT loop also owns the
// NUT's state: it is brought to its known-good kernel at start (its state after a crash is unknown), after
// the last set of a kernel, and at once after the kernel broke it (boot failure, panic, hang).
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidJobPayload, LeaseLostError, type BisectJob, type JobKind, type JobQueue, type JobRecord, type LabStore, type LeaseRequest, type Progress } from '@testlab/core';
import { executeBisectJob, type BisectSettlement, type RunBisectJob } from './bisect-job.js';
import { executeBuildJob, executeRunJob, type BuildKernel, type CycleContext, type JobSettlement, type RunTestSet } from './cycle.js';
import { isOwnerAlive } from './owner.js';
import { checkPool, type PoolNut } from './pool.js';
import type { WatchdogOptions } from './watchdog.js';

/** The subset of pino's logger the worker uses. */
export interface WorkerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface WorkerOptions {
  queue: JobQueue;
  store: LabStore;
  pool: readonly PoolNut[];
  owner: string;
  build: BuildKernel;
  runTestSet: RunTestSet;
  log: WorkerLog;
  leaseMs: number;
  retryBackoffMs: number;
  watchdog: WatchdogOptions;
  /** How long an idle loop waits before asking the queue again (wake() cuts it short). */
  idlePollMs?: number;
  /** How long a NUT that could not be brought back waits before the next try. */
  outOfServiceRetryMs?: number;
  onRunFinished?: CycleContext['onRunFinished'];
  /** See CycleContext.setupDigestOf: with it, a kernel build already tested in this store is not run again. */
  setupDigestOf?: CycleContext['setupDigestOf'];
  /** Take build jobs (default true): a worker host may only run sets on its NUTs. */
  builds?: boolean;
  /**
   * Runs a bisect job's bisection on the NUT holding it (labd wires packages/bisect). Without it, or on a host
   * that does not build (every step builds a kernel), the NUT loops lease no bisect job.
   */
  runBisect?: RunBisectJob;
  /** Called after each bisect job's attempt (labd ends a bisection whose job failed for good). */
  onBisectSettled?: (job: BisectJob, settlement: BisectSettlement) => Promise<void> | void;
  /** The name this host goes by in the lab (lease owners name it): its dead processes' jobs are taken back at once. */
  localHost?: string;
  /** Longest wait between tries when the queue cannot be reached (default 5 min; tests shorten it). */
  unreachableRetryMaxMs?: number;
}

const UNREACHABLE = Symbol('the queue could not be reached');

export interface NutState {
  name: string;
  /** The kernel group the NUT ran last, until it is back on its known-good kernel. */
  kernelGroup: string | undefined;
  inService: boolean;
  job: number | undefined;
  lastKnownGood: { release: string; ms: number } | undefined;
}

export class LabWorker {
  readonly nuts = new Map<string, NutState>();
  private stopping = false;
  private readonly active = new Map<number, JobKind>();
  private readonly loops: Promise<void>[] = [];
  private readonly waiters = new Set<() => void>();
  private idleWaiters: Array<() => void> = [];
  private busyLoops = 0;

  constructor(private readonly o: WorkerOptions) {
    checkPool(o.pool);
    for (const nut of o.pool) this.nuts.set(nut.name, { name: nut.name, kernelGroup: undefined, inService: true, job: undefined, lastKnownGood: undefined });
  }

  private get ctx(): CycleContext {
    return {
      queue: this.o.queue, store: this.o.store, owner: this.o.owner, watchdog: this.o.watchdog, retryBackoffMs: this.o.retryBackoffMs,
      ...(this.o.onRunFinished ? { onRunFinished: this.o.onRunFinished } : {}),
      ...(this.o.setupDigestOf ? { setupDigestOf: this.o.setupDigestOf } : {}),
      onStage: (job, event) => this.o.log.info({ job: job.id, nut: job.nut, stage: event.stage }, event.what),
    };
  }

  /** Takes back the jobs of dead lab processes, then starts the loops. */
  async start(): Promise<void> {
    try {
      const reclaimed = await this.o.queue.reclaim(this.ownerAlive);
      if (reclaimed.length > 0) this.o.log.warn({ jobs: reclaimed }, 'took back jobs leased by a lab process that is gone');
    } catch (error) {
      // The loops take back lapsed leases when idle: the database being away now stops nothing.
      this.o.log.error({ error: (error as Error).message }, 'taking back the jobs of dead lab processes failed (is the lab database reachable?): the loops will');
    }
    if (this.o.builds !== false) this.loops.push(this.buildLoop());
    else this.loops.push(this.reclaimLoop());
    for (const nut of this.o.pool) this.loops.push(this.nutLoop(nut));
  }

  // This worker's own leases are never judged: its owner name need not be its pid's (tests give one).
  private readonly ownerAlive = (owner: string) => owner === this.o.owner || isOwnerAlive(owner, this.o.localHost);

  /** A worker that builds nothing still takes back leases that lapsed (a host that stopped answering), when idle. */
  private async reclaimLoop(): Promise<void> {
    this.busyLoops++;
    while (!this.stopping) {
      const reclaimed = await this.guarded('taking back lapsed leases', () => this.o.queue.reclaim(this.ownerAlive));
      if (reclaimed !== UNREACHABLE && reclaimed.length > 0) {
        this.o.log.warn({ jobs: reclaimed }, 'took back jobs whose lease expired');
        this.wake();
      }
      await this.waitForWork();
    }
    this.busyLoops--;
  }

  /**
   * The lab's database is shared and may go away (a restart, a network cut): a loop that cannot reach it logs
   * the error and waits before asking again (doubling up to 5 min), instead of ending. Nothing is lost: its
   * jobs stay in the queue, and a lease that lapses meanwhile is taken over.
   */
  private failures = 0;
  private async guarded<T>(what: string, work: () => Promise<T>): Promise<T | typeof UNREACHABLE> {
    try {
      const result = await work();
      this.failures = 0;
      return result;
    } catch (error) {
      this.failures++;
      const waitMs = Math.min(this.o.unreachableRetryMaxMs ?? 300_000, 1_000 * 2 ** Math.min(this.failures - 1, 9));
      this.o.log.error({ error: (error as Error).message, retryInMs: waitMs }, `${what} failed (is the lab database reachable?): trying again`);
      await this.waitForWork(waitMs);
      return UNREACHABLE;
    }
  }

  /** New jobs were enqueued: idle loops ask the queue now. */
  wake(): void {
    // Counted busy here, synchronously, so idle() cannot resolve between this wake and the loop resuming.
    for (const resolve of this.waiters) {
      this.busyLoops++;
      resolve();
    }
    this.waiters.clear();
  }

  /** Resolves when every loop is idle (no leasable job) — for tests and `labd --once`. */
  async idle(): Promise<void> {
    if (this.busyLoops === 0 && this.loops.length > 0) {
      // Loops may be between a lease attempt and their wait: give them one turn to find work.
      await sleep(0);
      if (this.busyLoops === 0) return;
    }
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops leasing. Jobs in progress may finish within graceMs; after that their leases are released (the
   * jobs are queued again untouched) and the promise resolves, leaving the caller to exit.
   */
  async stop(graceMs: number): Promise<{ finished: boolean; released: number[] }> {
    this.stopping = true;
    this.wake();
    const all = Promise.all(this.loops).then(() => true);
    const finished = await Promise.race([all, sleep(graceMs).then(() => false)]);
    const released: number[] = [];
    if (!finished) {
      for (const jobId of this.active.keys()) {
        await this.o.queue.release(jobId, this.o.owner).then(() => released.push(jobId), () => undefined);
      }
    }
    return { finished, released };
  }

  /** Waits for wake() or `ms`; the loop counts as idle meanwhile. */
  private async waitForWork(ms = this.o.idlePollMs ?? 30_000): Promise<void> {
    if (this.stopping) return;
    this.busyLoops--;
    if (this.busyLoops === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    let resolveWake: () => void = () => {};
    const woken = new Promise<boolean>((resolve) => (resolveWake = () => resolve(true)));
    this.waiters.add(resolveWake);
    const byWake = await Promise.race([woken, sleep(ms, false, { ref: false })]);
    if (!byWake) {
      this.waiters.delete(resolveWake);
      this.busyLoops++;
    }
  }

  /** Keeps the lease alive while `work` runs. */
  private async holding<T>(job: JobRecord, work: () => Promise<T>): Promise<T> {
    this.active.set(job.id, job.kind);
    const timer = setInterval(() => {
      this.o.queue.renew(job.id, this.o.owner, this.o.leaseMs).catch((error: unknown) => {
        if (error instanceof LeaseLostError) this.o.log.error({ job: job.id }, 'lease lost while working: this attempt will not be recorded');
      });
    }, Math.max(this.o.leaseMs / 3, 1_000));
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
      this.active.delete(job.id);
    }
  }

  /**
   * A job of this kind, none, or `unreadable`: the queue found a job whose payload does not validate and
   * failed it (the lab's failure, with the reason); that is logged here and the loop leases again.
   */
  private async leaseOf<K extends JobKind>(
    kinds: readonly K[], request: Omit<LeaseRequest, 'owner' | 'kinds' | 'leaseMs'> = {},
  ): Promise<Extract<JobRecord, { kind: K }> | undefined | 'unreadable'> {
    let job: JobRecord | undefined;
    try {
      job = await this.o.queue.lease({ owner: this.o.owner, kinds, leaseMs: this.o.leaseMs, ...request });
    } catch (error) {
      if (!(error instanceof InvalidJobPayload)) throw error;
      this.o.log.error({ job: error.job.id, key: error.job.key, error: error.message }, 'job failed: its payload cannot be read');
      return 'unreadable';
    }
    if (job === undefined) return undefined;
    if (!isKind(job, kinds)) throw new Error(`the queue handed ${job.kind} job ${job.id} to the ${kinds.join('/')} loop`);
    return job;
  }

  private progressFor(fields: Record<string, unknown>): Progress {
    return { step: (text) => this.o.log.info(fields, text), fraction() {} };
  }

  private async buildLoop(): Promise<void> {
    this.busyLoops++;
    while (!this.stopping) {
      const job = await this.guarded('leasing a build job', () => this.leaseOf(['build']));
      if (job === 'unreadable' || job === UNREACHABLE) continue;
      if (job === undefined) {
        // Idle: also take back leases that expired meanwhile (a lab process on another host that died).
        const reclaimed = await this.guarded('taking back lapsed leases', () => this.o.queue.reclaim(this.ownerAlive));
        if (reclaimed === UNREACHABLE) continue;
        if (reclaimed.length > 0) {
          this.o.log.warn({ jobs: reclaimed }, 'took back jobs whose lease expired');
          this.wake();
          continue;
        }
        await this.waitForWork();
        continue;
      }
      this.o.log.info({ job: job.id, key: job.key, attempt: job.attempts }, 'build started');
      const settled = await this.guarded(`build job ${job.id}`, () => this.holding(job, () => executeBuildJob(this.ctx, job, this.o.build, this.progressFor({ job: job.id }))));
      if (settled === UNREACHABLE) continue; // its lease runs out and another try follows
      this.o.log.info({ job: job.id, key: job.key, status: settled.status, why: settled.classification?.summary }, 'build ended');
      // Runs waiting on this build may now be leased.
      this.wake();
    }
    this.busyLoops--;
  }

  private async restore(nut: PoolNut, state: NutState, why: string): Promise<boolean> {
    this.o.log.info({ nut: nut.name, why }, 'bringing the NUT back to its known-good kernel');
    try {
      const check = await nut.restoreKnownGood(this.progressFor({ nut: nut.name }));
      state.kernelGroup = undefined;
      state.inService = true;
      state.lastKnownGood = check;
      this.o.log.info({ nut: nut.name, release: check.release, ms: check.ms }, 'NUT is back on its known-good kernel');
      return true;
    } catch (error) {
      state.inService = false;
      this.o.log.error({ nut: nut.name, error: (error as Error).message }, 'NUT could not be brought back: out of service');
      return false;
    }
  }

  /** What a NUT leases: runs, and bisections where this host builds (each step builds a kernel). */
  private get nutKinds(): readonly ('run' | 'bisect')[] {
    return this.o.runBisect !== undefined && this.o.builds !== false ? ['run', 'bisect'] : ['run'];
  }

  /**
   * One bisect job on this NUT, then the NUT back to its known-good kernel (every step booted a kernel of its
   * own). False when the NUT could not be brought back.
   */
  private async bisect(nut: PoolNut, state: NutState, job: BisectJob): Promise<boolean> {
    state.job = job.id;
    state.kernelGroup = job.group;
    const fields = { job: job.id, key: job.key, nut: nut.name, bisection: job.payload.bisectionId, attempt: job.attempts };
    this.o.log.info(fields, 'bisection started');
    let settled: BisectSettlement | undefined;
    try {
      settled = await this.holding(job, () => executeBisectJob(this.ctx, job, this.o.runBisect!, nut.driver, this.progressFor({ job: job.id, nut: nut.name })));
    } catch (error) {
      // The queue itself could not be told: the lease runs out and another attempt resumes the bisection.
      this.o.log.error({ ...fields, error: (error as Error).message }, 'bisection could not be carried out');
    }
    state.job = undefined;
    if (settled !== undefined) {
      if (settled.status === 'done') this.o.log.info({ ...fields, status: settled.end?.status, why: settled.end?.reason }, 'bisection ended');
      else this.o.log.error({ ...fields, error: settled.error, retried: settled.status === 'retry' }, "bisection stopped by the lab's failure: its steps are kept for the next attempt");
      try {
        await this.o.onBisectSettled?.(job, settled);
      } catch (error) {
        this.o.log.error({ ...fields, error: (error as Error).message }, 'after the bisection: the hook failed');
      }
    }
    return this.restore(nut, state, settled?.nutBroken ?? 'bisection done');
  }

  private async nutLoop(nut: PoolNut): Promise<void> {
    const state = this.nuts.get(nut.name)!;
    this.busyLoops++;
    // After a start (maybe after a crash mid-run) the NUT's state is unknown.
    let needsRestore = true;
    while (!this.stopping) {
      if (needsRestore) {
        if (!(await this.restore(nut, state, 'start of service or after a failure'))) {
          await this.waitForWork(this.o.outOfServiceRetryMs ?? 300_000);
          continue;
        }
        needsRestore = false;
      }
      const job = await this.guarded(`leasing a job for ${nut.name}`, () => this.leaseOf(this.nutKinds, {
        nut: { name: nut.name, profile: nut.profile, modes: nut.modes },
        ...(state.kernelGroup ? { preferGroup: state.kernelGroup } : {}),
      }));
      if (job === 'unreadable' || job === UNREACHABLE) continue;
      if (job === undefined || (state.kernelGroup !== undefined && job.group !== state.kernelGroup)) {
        if (state.kernelGroup !== undefined) {
          // The last set of that kernel on this NUT is done: back to known-good before anything else.
          if (job !== undefined && (await this.guarded(`giving back job ${job.id}`, () => this.o.queue.release(job.id, this.o.owner))) === UNREACHABLE) continue;
          if (!(await this.restore(nut, state, 'last test set of the kernel done'))) needsRestore = true;
          continue;
        }
        await this.waitForWork();
        continue;
      }
      if (job.kind === 'bisect') {
        if (!(await this.bisect(nut, state, job))) needsRestore = true;
        continue;
      }
      state.job = job.id;
      const groupBefore = state.kernelGroup;
      state.kernelGroup = job.group;
      this.o.log.info({ job: job.id, key: job.key, nut: nut.name, attempt: job.attempts }, 'run started');
      let settled: JobSettlement;
      try {
        settled = await this.holding(job, () => executeRunJob(this.ctx, job, this.o.runTestSet, nut.driver));
      } catch (error) {
        // Not a verdict on the kernel: the lab itself failed (store, queue). The lease runs out and another try follows.
        this.o.log.error({ job: job.id, error: (error as Error).message }, 'run could not be carried out');
        state.job = undefined;
        needsRestore = true;
        continue;
      }
      state.job = undefined;
      if (settled.alreadyTested !== undefined) {
        // Nothing was booted: the NUT is where it was, and owes no restore for this kernel.
        state.kernelGroup = groupBefore;
        this.o.log.info(
          { job: job.id, key: job.key, nut: nut.name, run: settled.runId, cacheKey: settled.alreadyTested.cacheKey },
          `kernel already tested: run ${settled.runId} has this build, test set, NUT kind and setup; not run again`,
        );
        continue;
      }
      this.o.log.info(
        { job: job.id, key: job.key, nut: nut.name, run: settled.runId, status: settled.status, owner: settled.classification?.owner, why: settled.classification?.summary, resumed: settled.resumed, nutBroken: settled.nutBroken },
        'run ended',
      );
      if (settled.classification?.owner === 'kernel' || settled.status === 'retry' || settled.nutBroken !== undefined) {
        // The kernel broke the NUT (or a rerun of one of its cases did, or the lab could not use it):
        // power-cycle into known-good now.
        const t0 = Date.now();
        if (await this.restore(nut, state, settled.classification?.summary ?? settled.nutBroken ?? 'retry')) {
          this.o.log.info({ nut: nut.name, recoveryMs: Date.now() - t0 }, 'recovered');
        } else {
          needsRestore = true;
        }
      }
    }
    this.busyLoops--;
  }
}

function isKind<K extends JobKind>(job: JobRecord, kinds: readonly K[]): job is Extract<JobRecord, { kind: K }> {
  return (kinds as readonly JobKind[]).includes(job.kind);
}
