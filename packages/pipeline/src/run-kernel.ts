// One run: a build request goes in; the kernel is built, booted on a NUT with the test set's links and
// sysctls, tested by the set's engine (which puts the NUT into the set's mode), and every step is stored
// with its timing, log and artifacts. The drivers come in from outside (apps wire them), so this file knows
// only the contracts of @testlab/core.
import { copyFile, link, mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  StageError,
  NutBootError,
  kernelVersionFromMake,
  runSetupDigest,
  silentProgress,
  type BootRequest,
  type BootedNut,
  type BuildRequest,
  type BuiltKernel,
  type KernelBuilder,
  type LabStore,
  type NutDriver,
  type RunOutcome,
  type RunReporter,
  type StageName,
  type TestSet,
} from '@testlab/core';
import { addArtifact } from './artifacts.js';
import { prepareForRun, type PrepareEngine } from './engine-preparation.js';
import { rerunnerFor } from './rerun-cases.js';

export interface RunDependencies {
  store: LabStore;
  builder: KernelBuilder;
  nutDriver: NutDriver;
  /** The set's engine, made ready inside the run (the app binds packages/engines' prepareEngine to the set). */
  prepareEngine: PrepareEngine;
  /** Each run gets `<artifactsRoot>/run-<id>/`. */
  artifactsRoot: string;
  reporter: RunReporter;
}

export interface RunRequest {
  /** What to build: made by buildRequestFor (source, the NUT kind's profile, the set's fragment). */
  build: BuildRequest;
  testset: TestSet;
  /** Extra kernel command-line words for the NUT (operators use it to debug; tests to break a boot). */
  extraCmdline?: string[];
  /** Extra sysctls on top of the test set's (a test makes a NUT misbehave this way). */
  extraSysctls?: Record<string, string>;
  bootDeadlineMs?: number;
}

/** Runs one kernel through one test set on one NUT. Lab failures come back as a failed outcome naming the stage. */
export async function runKernelTestSet(deps: RunDependencies, req: RunRequest): Promise<RunOutcome> {
  const { store, reporter } = deps;
  const run = await store.startRun({
    testset: req.testset.name,
    nut: deps.nutDriver.kind,
    sourceLabel: req.build.source.description,
    ownerPid: process.pid,
    // What this run tests besides its build: a lab finding it done with the same build does not run it again.
    setupDigest: runSetupDigest(req.testset, { cmdline: req.extraCmdline ?? [], sysctls: req.extraSysctls ?? {} }),
  });
  const runDir = path.join(deps.artifactsRoot, `run-${run.id}`);
  await mkdir(runDir, { recursive: true });
  reporter.runStarted(run.id, runDir);

  let current: StageName = 'unpack';
  let nut: BootedNut | undefined;
  // The builder's hooks are synchronous; chain their store writes so they land in order on any store.
  let stageWrites: Promise<void> = Promise.resolve();
  const queueWrite = (write: () => Promise<void>): void => {
    stageWrites = stageWrites.then(write);
  };
  try {
    const engine = await prepareForRun(deps.prepareEngine, { id: run.id, dir: runDir, build: req.build, store, reporter });
    const built = await deps.builder.build(
      req.build,
      {
        stageStarted: (stage) => {
          current = stage;
          queueWrite(() => store.startStage(run.id, stage));
          return reporter.stageStarted(stage);
        },
        stageFinished: (stage, how) => {
          queueWrite(() => store.finishStage(run.id, stage, how));
          reporter.stageFinished(stage, how);
        },
      },
    ).finally(() => stageWrites);
    await recordKernel(store, run.id, built, runDir);

    current = 'boot';
    await store.startStage(run.id, 'boot', path.join(runDir, 'console.log'));
    const bootProgress = reporter.stageStarted('boot');
    const bootRequest = (consoleLog: string): BootRequest => ({
      kernel: { bzImage: built.artifacts.bzImage, kernelRelease: built.kernelRelease, ...(built.artifacts.modules ? { modules: built.artifacts.modules } : {}) },
      ...(engine.nut ? { image: engine.nut } : {}),
      links: req.testset.links,
      sysctls: { ...req.testset.sysctls, ...req.extraSysctls },
      extraCmdline: req.extraCmdline ?? [],
      consoleLog,
      ...(req.bootDeadlineMs === undefined ? {} : { deadlineMs: req.bootDeadlineMs }),
    });
    nut = await deps.nutDriver.boot(bootRequest(path.join(runDir, 'console.log')), bootProgress);
    await store.finishStage(run.id, 'boot', 'done', `${nut.name} runs ${nut.kernelRelease}`);
    reporter.stageFinished('boot', 'done');

    current = 'test';
    const caseDir = path.join(runDir, 'cases');
    await mkdir(caseDir, { recursive: true });
    await store.startStage(run.id, 'test');
    // More NUTs of the same kernel, for the suite's pool and for cases that need a fresh NUT; each keeps its console log.
    let extraNuts = 0;
    const bootNut = async (): Promise<BootedNut> => {
      const consoleLog = path.join(runDir, 'nuts', `console-${++extraNuts}.log`);
      await mkdir(path.dirname(consoleLog), { recursive: true });
      return deps.nutDriver.boot(bootRequest(consoleLog), silentProgress);
    };
    const results = await engine.run({
      nut,
      bootNut,
      mode: req.testset.mode,
      cases: req.testset.cases,
      artifactsDir: caseDir,
      progress: reporter.stageStarted('test'),
      onResult: async (result) => {
        await store.addResult(run.id, result);
        for (const pcap of result.pcaps) await addArtifact(store, run.id, 'pcap', pcap);
        // What a reader needs beside the captures: an IPsec case's SA keys (esp_sa) and Wireshark's preferences.
        for (const e of result.evidence ?? []) await addArtifact(store, run.id, e.kind, e.path);
        reporter.caseFinished(result);
      },
    });
    // The console logs of the NUTs the suite booted are evidence too (a fresh NUT's panic shows there).
    for (let n = 1; n <= extraNuts; n++) await addArtifact(store, run.id, 'console-log', path.join(runDir, 'nuts', `console-${n}.log`));
    const counts = results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.verdict]: (acc[r.verdict] ?? 0) + 1 }), {});
    const detail = Object.entries(counts).map(([v, n]) => `${n} ${v}`).join(', ');
    await store.finishStage(run.id, 'test', 'done', detail);
    reporter.stageFinished('test', 'done', detail);
    await shutdownAndKeepConsole(store, run.id, nut);
    nut = undefined;
    await store.finishRun(run.id, { status: 'done' });
    // The kernel the NUT boots for a rerun is the run's own copy of the bzImage (kept above): the cache may be pruned.
    const kept = path.join(runDir, 'bzImage');
    const rerunBoot = (consoleLog: string): BootRequest => {
      const request = bootRequest(consoleLog);
      return { ...request, kernel: { ...request.kernel, bzImage: kept } };
    };
    const rerun = rerunnerFor({ store, engine, runId: run.id, runDir, testset: req.testset, bootRequest: rerunBoot });
    return { runId: run.id, status: 'done', runDir, rerun };
  } catch (error) {
    const failure = describeFailure(error, current);
    if (nut) await nut.shutdown().catch(() => undefined);
    const consoleLog = path.join(runDir, 'console.log');
    if (failure.stage === 'boot' || failure.stage === 'test') await addArtifact(store, run.id, 'console-log', consoleLog);
    reporter.stageFinished(failure.stage, 'failed', failure.error);
    await store.finishRun(run.id, { status: 'failed', stage: failure.stage, error: failure.error });
    return { runId: run.id, status: 'failed', ...failure, runDir };
  }
}

function describeFailure(error: unknown, current: StageName): { stage: StageName; error: string; logPath?: string } {
  if (error instanceof StageError) return { stage: error.stage, error: error.message, ...(error.logPath ? { logPath: error.logPath } : {}) };
  if (error instanceof NutBootError) return { stage: 'boot', error: error.message, logPath: error.consoleLog };
  const message = error instanceof Error ? error.message : String(error);
  return { stage: current, error: message };
}

async function recordKernel(store: LabStore, runId: number, built: BuiltKernel, runDir: string): Promise<void> {
  // The tree says what it is: `make kernelversion` is outside input, parsed here once.
  let version;
  try {
    version = kernelVersionFromMake(built.kernelVersion);
  } catch (e) {
    throw new StageError('build', `the tree's "make kernelversion" is not a kernel version: ${(e as Error).message}`, built.artifacts.buildLog);
  }
  const kernel = await store.upsertKernel({ version, sourceLabel: built.sourceLabel, sourceHash: built.sourceHash });
  const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: built.cacheKey, kernelRelease: built.kernelRelease, fromCache: built.fromCache });
  await store.attachKernel(runId, kernel.id, build.id);
  // The run keeps its own copy of what was built: the kernel cache may be pruned, the evidence may not.
  const kept: Array<[string, string, string]> = [
    ['bzImage', built.artifacts.bzImage, 'bzImage'],
    ['config', built.artifacts.config, 'config'],
    ['system-map', built.artifacts.systemMap, 'System.map'],
    ['build-log', built.artifacts.buildLog, 'build.log'],
    ...(built.artifacts.modules ? [['modules', built.artifacts.modules, 'modules.tar.gz'] as [string, string, string]] : []),
  ];
  for (const [kind, from, name] of kept) {
    const to = path.join(runDir, name);
    await link(from, to).catch(() => copyFile(from, to));
    await addArtifact(store, runId, kind, to);
  }
}

async function shutdownAndKeepConsole(store: LabStore, runId: number, nut: BootedNut): Promise<void> {
  await nut.shutdown();
  await addArtifact(store, runId, 'console-log', nut.consoleLog);
}

