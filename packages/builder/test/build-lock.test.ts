// Two builds of one kernel and config at once share one make: the later waits for the lock on the build
// folder, then takes the kernel from the cache. The fake make exits 3 when it finds another make running in
// its folder, so a missing lock fails these tests.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdir, readdir, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConfigFragment } from '@testlab/core';
import { createKernelBuilder } from '../src/index.js';
import { FakeSource, fakeMake, recordingObserver, tempDir } from './fixtures.js';

const lab: ConfigFragment = { origin: 'lab', text: 'CONFIG_64BIT=y\nCONFIG_IPV6=y\n' };
const exists = (p: string) => access(p).then(() => true, () => false);
const request = { source: new FakeSource(), baseConfig: 'tinyconfig' as const, fragments: [lab] };
const bzImageCalls = async (make: Awaited<ReturnType<typeof fakeMake>>) => (await make.calls()).filter((c) => / bzImage$/.test(c)).length;

/** The build folder of `request` in the cache, after a first build made it. */
async function outDirOf(cacheDir: string): Promise<string> {
  const treeDir = path.join(cacheDir, 'trees', 'ab'.repeat(32));
  const names = (await readdir(treeDir)).filter((n) => /^out-[0-9a-f]{16}$/.test(n));
  assert.equal(names.length, 1);
  return path.join(treeDir, names[0]!);
}

/** A cache where the kernel was built once and its entry then removed: the next build runs make again. */
async function builtThenForgotten(t: TestContext) {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const cacheDir = path.join(dir, 'cache');
  const builder = createKernelBuilder({ cacheDir, makePath: make.makePath });
  const first = await builder.build(request, recordingObserver());
  await rm(path.dirname(first.artifacts.bzImage), { recursive: true });
  return { make, cacheDir, builder, first };
}

test('two builders asked for the same kernel at once: one make, the other waits and takes the cached kernel', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  await make.slowBuild(1_500);
  const cacheDir = path.join(dir, 'cache');
  const observers = [recordingObserver(), recordingObserver()];
  const builds = await Promise.all(observers.map((o) => createKernelBuilder({ cacheDir, makePath: make.makePath }).build(request, o)));
  assert.equal(await bzImageCalls(make), 1, 'make bzImage ran once');
  const waiter = builds[0]!.fromCache ? 0 : 1;
  const [built, waited] = [builds[1 - waiter]!, builds[waiter]!];
  assert.equal(built.fromCache, false);
  assert.equal(waited.fromCache, true);
  assert.deepEqual([waited.stages.configure, waited.stages.build], ['cached', 'cached']);
  assert.equal(waited.cacheKey, built.cacheKey);
  assert.deepEqual(waited.artifacts, built.artifacts);
  assert.ok(observers[waiter]!.steps.some((s) => /^waiting for another build of this kernel and config \(lock .*out-[0-9a-f]{16}\.lock\)$/.test(s)), observers[waiter]!.steps.join('\n'));
  assert.equal(await exists(`${await outDirOf(cacheDir)}.lock`), false, 'the lock was given back');
});

test('a lock left by a builder killed with -9 goes stale and is taken over at once', async (t) => {
  const { make, cacheDir, builder, first } = await builtThenForgotten(t);
  // The dead holder's lock was last refreshed a minute ago.
  const lock = `${await outDirOf(cacheDir)}.lock`;
  await mkdir(lock);
  const aMinuteAgo = new Date(Date.now() - 60_000);
  await utimes(lock, aMinuteAgo, aMinuteAgo);
  const observer = recordingObserver();
  const rebuilt = await builder.build(request, observer);
  assert.equal(rebuilt.fromCache, false);
  assert.equal(rebuilt.cacheKey, first.cacheKey);
  assert.equal(observer.steps.filter((s) => s.startsWith('waiting')).length, 0, observer.steps.join('\n'));
  assert.equal(await exists(lock), false);
  assert.equal(await bzImageCalls(make), 2);
});

test('a lock held by another process: the build waits for it, says so, and builds when it is given back', async (t) => {
  const { make, cacheDir, builder, first } = await builtThenForgotten(t);
  const outDir = await outDirOf(cacheDir);

  const lockModule = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/build-lock.js')).href;
  const holder = spawn(process.execPath, ['--input-type=module', '-e', `
    const { lockBuildFolder } = await import(${JSON.stringify(lockModule)});
    const release = await lockBuildFolder(${JSON.stringify(outDir)}, { step() {}, fraction() {} });
    console.log('held');
    setTimeout(async () => { await release(); process.exit(0); }, 2500);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => holder.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    holder.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before holding the lock`)));
  });
  const observer = recordingObserver();
  const started = Date.now();
  const built = await builder.build(request, observer);
  const waitedMs = Date.now() - started;
  assert.equal(built.fromCache, false, 'built again once the lock was given back');
  assert.ok(waitedMs >= 1_500, `waited ${waitedMs} ms for the holder`);
  assert.ok(observer.steps.some((s) => s.startsWith('waiting for another build')), observer.steps.join('\n'));
  assert.ok(observer.steps.some((s) => /^the other build ended after \d+ s of waiting$/.test(s)), observer.steps.join('\n'));
  assert.equal(await bzImageCalls(make), 2);
});
