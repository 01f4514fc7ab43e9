// The kernel builder: source -> tree -> .config -> bzImage (+ modules), each step skipped when its result is cached.
// The fast path (same source, same inputs, kernel already built) only identifies the source (hashing a
// tarball, or resolving a git ref) and reads two cache files: no unpack, no make.
import { availableParallelism, homedir } from 'node:os';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StageError, type BuildObserver, type BuildRequest, type BuiltKernel, type KernelBuilder, type Progress } from '@testlab/core';
import { writeFileAtomic } from './atomic.js';
import { lockBuildFolder } from './build-lock.js';
import { CacheLayout, cacheKey, identityHex, inputKey } from './cache-layout.js';
import { compile, type CompileResult } from './compile.js';
import { configure } from './configure.js';
import { readKernelEntry, writeKernelEntry } from './kernel-cache.js';
import { buildEnv, compilerVersion, hasCcache, makeQuery, type MakeSetup } from './make.js';
import { configHasModules, installModulesTarball } from './modules.js';
import { expectedObjects, recordObjects } from './object-count.js';
import { ensureTree, markTreeUsed, treeIsThere } from './unpack.js';
import { parseFragments } from './verify-config.js';

export interface KernelBuilderOptions {
  /** Holds trees, configs and kernels (see cache-layout.ts). */
  cacheDir: string;
  /** make -j; a request's own `jobs` wins. Defaults to the number of cores. */
  jobs?: number;
  /** CCACHE_DIR; defaults to ~/.cache/ccache, which hand builds on the same machine share. */
  ccacheDir?: string;
  /** The make program; `make` from PATH by default. */
  makePath?: string;
}

const BASE_CONFIGS: ReadonlySet<string> = new Set(['tinyconfig', 'defconfig', 'allnoconfig']);
type Stage = 'unpack' | 'configure' | 'build';

export function createKernelBuilder(options: KernelBuilderOptions): KernelBuilder {
  if (typeof options.cacheDir !== 'string' || options.cacheDir === '') throw new Error('createKernelBuilder: cacheDir is required');
  const settings = {
    layout: new CacheLayout(path.resolve(options.cacheDir)),
    jobs: options.jobs,
    ccacheDir: path.resolve(options.ccacheDir ?? path.join(homedir(), '.cache', 'ccache')),
    makePath: options.makePath ?? 'make',
  };
  return {
    build: (request, observer) => build(settings, request, observer),
  };
}

interface Settings {
  layout: CacheLayout;
  jobs: number | undefined;
  ccacheDir: string;
  makePath: string;
}

async function build(settings: Settings, request: BuildRequest, observer: BuildObserver): Promise<BuiltKernel> {
  const { layout } = settings;
  // Inputs are checked before anything is downloaded or unpacked: a typo in a fragment costs nothing.
  if (!BASE_CONFIGS.has(request.baseConfig)) throw new StageError('configure', `unknown base config ${JSON.stringify(request.baseConfig)}: expected ${[...BASE_CONFIGS].join(', ')}`);
  try {
    parseFragments(request.fragments);
  } catch (e) {
    throw new StageError('configure', (e as Error).message, undefined, { cause: e });
  }
  const jobs = request.jobs ?? settings.jobs ?? availableParallelism();
  if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 1024) throw new StageError('build', `jobs must be a whole number from 1 to 1024, not ${jobs}`);

  let stage: Stage = 'unpack';
  let release: (() => Promise<void>) | undefined;
  try {
    const unpackProgress = observer.stageStarted('unpack');
    const id = await request.source.identify(layout.root, unpackProgress);
    identityHex(id.hash);
    const [useCcache, compiler] = await Promise.all([hasCcache(), compilerVersion()]);
    const input = inputKey(id.hash, request, compiler);
    // withTree: every path below either found the tree there or unpacked it.
    const base = { sourceHash: id.hash, sourceLabel: id.label, ...(request.withTree ? { sourceTree: request.workTree?.srcDir ?? layout.srcDir(id.hash) } : {}) };

    // Fast path: these inputs resolved to a .config before, and that (tree, .config) was built.
    // A caller that needs the tree too, whose tree was pruned, goes the long way: unpack, then a cache hit.
    const earlier = await builtBefore(layout, id.hash, input);
    // A work tree holds whatever was checked out last: a caller that needs the tree has it checked out.
    const treeGone = earlier.entry !== undefined && request.withTree === true && (request.workTree !== undefined || !(await treeIsThere(layout, id.hash)));
    if (earlier.entry && !treeGone) {
      // Still in use, even without its tree: a kernel under test keeps its tree from pruning a while longer.
      await markTreeUsed(layout, id.hash).catch(() => undefined);
      for (const s of ['unpack', 'configure', 'build'] as const) {
        stage = s;
        if (s !== 'unpack') observer.stageStarted(s);
        observer.stageFinished(s, 'cached');
      }
      return fromCacheEntry(base, earlier.entry, { unpack: 'cached', configure: 'cached', build: 'cached' });
    }

    const workTree = request.workTree;
    const srcDir = workTree?.srcDir ?? layout.srcDir(id.hash);
    const outDir = workTree?.outDir ?? layout.outDir(id.hash, input);
    let unpacked: 'done' | 'cached';
    if (workTree) {
      // The checkout is this build's unpack: under the folder's lock, or another step could move the tree
      // under a make that is reading it.
      await mkdir(path.dirname(outDir), { recursive: true });
      release = await lockBuildFolder(outDir, unpackProgress);
      await workTree.checkout(unpackProgress);
      unpacked = 'done';
    } else {
      unpacked = (await ensureTree(request.source, srcDir, layout.root, unpackProgress)) ? 'done' : 'cached';
      await markTreeUsed(layout, id.hash);
    }
    observer.stageFinished('unpack', unpacked);

    stage = 'configure';
    const configureProgress = observer.stageStarted('configure');
    const setup: MakeSetup = {
      makePath: settings.makePath,
      srcDir,
      outDir,
      // One argv word; make splits `ccache gcc` itself. No shell anywhere.
      makeVars: useCcache ? ['CC=ccache gcc'] : [],
      env: buildEnv(useCcache, { ccacheDir: settings.ccacheDir, ccacheBaseDir: layout.ccacheBaseDir }),
    };
    release ??= await lockBuildFolder(setup.outDir, configureProgress);
    // Whoever held the lock may have built exactly this meanwhile.
    const { config: cachedConfig, entry: meanwhile } = await builtBefore(layout, id.hash, input);
    if (meanwhile) {
      observer.stageFinished('configure', 'cached');
      stage = 'build';
      observer.stageStarted('build');
      observer.stageFinished('build', 'cached');
      return fromCacheEntry(base, meanwhile, { unpack: unpacked, configure: 'cached', build: 'cached' });
    }
    const current = await readFile(path.join(setup.outDir, '.config'), 'utf8').catch(() => undefined);
    let resolved: string;
    let configured: 'done' | 'cached';
    if (cachedConfig !== undefined && current === cachedConfig) {
      resolved = cachedConfig;
      configured = 'cached';
    } else {
      resolved = await configure(setup, request, configureProgress);
      await writeFileAtomic(layout.configFile(input), resolved);
      configured = 'done';
    }
    observer.stageFinished('configure', configured);

    stage = 'build';
    const buildProgress = observer.stageStarted('build');
    const key = cacheKey(id.hash, resolved);
    // Other fragments may resolve to a .config that was already built.
    const existing = await readKernelEntry(layout, key);
    if (existing) {
      observer.stageFinished('build', 'cached');
      return fromCacheEntry(base, existing, { unpack: unpacked, configure: configured, build: 'cached' });
    }
    const withModules = configHasModules(resolved);
    const expected = await expectedObjects(layout, input);
    const compiled = workTree
      ? await compileInWorkTree(setup, request, resolved, { jobs, expected, withModules }, buildProgress)
      : await compile(setup, jobs, expected, buildProgress, withModules);
    if (compiled.full) await recordObjects(layout, input, compiled.objects);
    const kernelRelease = await makeQuery(setup, 'kernelrelease');
    const kernelVersion = await makeQuery(setup, 'kernelversion');
    let modulesTarball: string | undefined;
    if (withModules) {
      buildProgress.step('make modules_install');
      modulesTarball = path.join(setup.outDir, 'modules.tar.gz');
      await installModulesTarball(setup, kernelRelease, compiled.buildLog, modulesTarball);
    }
    const artifacts = await writeKernelEntry(layout, { outDir: setup.outDir, buildLog: compiled.buildLog, modulesTarball }, {
      ...base,
      kernelVersion,
      kernelRelease,
      cacheKey: key,
      inputKey: input,
      builtAt: new Date().toISOString(),
    });
    observer.stageFinished('build', 'done');
    return { ...base, cacheKey: key, kernelVersion, kernelRelease, artifacts, fromCache: false, stages: { unpack: unpacked, configure: configured, build: 'done' } };
  } catch (error) {
    if (error instanceof StageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new StageError(stage, message, undefined, { cause: error });
  } finally {
    await release?.().catch(() => undefined);
  }
}

type KernelEntry = NonNullable<Awaited<ReturnType<typeof readKernelEntry>>>;

/**
 * An incremental build in a kept O= folder, and once more from an emptied one when it fails. kbuild's
 * dependency tracking is sound, but a folder a killed make left half-written, or one built from a tree
 * that moved a long way, can fail where the commit itself builds; a commit is only called unbuildable
 * (a bisection skips it) after a build from scratch (ccache makes that minutes, not tens) failed too.
 */
async function compileInWorkTree(
  setup: MakeSetup,
  request: BuildRequest,
  resolved: string,
  how: { jobs: number; expected: number; withModules: boolean },
  progress: Progress,
): Promise<CompileResult> {
  try {
    return await compile(setup, how.jobs, how.expected, progress, how.withModules);
  } catch (error) {
    if (!(error instanceof StageError) || !(await hasBuilt(setup.outDir))) throw error;
    progress.step(`the incremental build failed (${error.message.slice(0, 300)}): building again from an empty O= folder`);
    await rm(setup.outDir, { recursive: true, force: true });
    const again = await configure(setup, request, progress);
    if (again !== resolved) throw new StageError('configure', 'the .config resolved differently in an emptied O= folder', undefined);
    return compile(setup, how.jobs, how.expected, progress, how.withModules);
  }
}

/** Whether a build ran in this O= folder before (its vmlinux is there): an empty one has nothing stale to blame. */
const hasBuilt = (outDir: string): Promise<boolean> => stat(path.join(outDir, 'vmlinux')).then(() => true, () => false);

/** The .config these inputs resolved to before, and the cached kernel of that (tree, .config) if it was built. */
async function builtBefore(layout: CacheLayout, sourceHash: string, input: string): Promise<{ config?: string; entry?: KernelEntry }> {
  const config = await readFile(layout.configFile(input), 'utf8').catch(() => undefined);
  if (config === undefined) return {};
  return { config, entry: await readKernelEntry(layout, cacheKey(sourceHash, config)) };
}

function fromCacheEntry(base: { sourceHash: string; sourceLabel: string; sourceTree?: string }, entry: KernelEntry, stages: BuiltKernel['stages']): BuiltKernel {
  const { cacheKey: key, kernelVersion, kernelRelease } = entry.meta;
  return { ...base, cacheKey: key, kernelVersion, kernelRelease, artifacts: entry.artifacts, fromCache: true, stages };
}
