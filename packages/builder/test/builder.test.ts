// The builder's pipeline with a fake source and a fake make: stages, caches, and errors, in milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { StageError, type ConfigFragment } from '@testlab/core';
import { createKernelBuilder } from '../src/index.js';
import { execa } from 'execa';
import { FakeSource, fakeMake, recordingObserver, tempDir } from './fixtures.js';

const lab: ConfigFragment = { origin: 'lab', text: 'CONFIG_64BIT=y\nCONFIG_IPV6=y\n' };
const exists = (p: string) => access(p).then(() => true, () => false);

test('first build does every stage; the second only identifies the source', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath, jobs: 3 });
  const source = new FakeSource();

  const first = recordingObserver();
  const built = await builder.build({ source, baseConfig: 'tinyconfig', fragments: [lab] }, first);
  assert.deepEqual(first.events, ['started unpack', 'finished unpack done', 'started configure', 'finished configure done', 'started build', 'finished build done']);
  assert.equal(built.fromCache, false);
  assert.deepEqual(built.stages, { unpack: 'done', configure: 'done', build: 'done' });
  assert.equal(built.kernelRelease, '6.99.0');
  assert.equal(built.sourceHash, source.hash);
  assert.match(await readFile(built.artifacts.config, 'utf8'), /CONFIG_IPV6=y/);
  assert.match(await readFile(built.artifacts.buildLog, 'utf8'), /\$ .*make O=.* CC=ccache gcc -j3 bzImage|\$ .*make O=.* -j3 bzImage/);
  const meta = JSON.parse(await readFile(path.join(path.dirname(built.artifacts.bzImage), 'meta.json'), 'utf8'));
  assert.deepEqual([meta.kernelVersion, meta.kernelRelease, meta.sourceHash, meta.sourceLabel], ['6.99.0', '6.99.0', source.hash, 'fake-6.99.tar.xz']);
  // Progress: 12 object lines against the default guess of 1400, never 1 before the end.
  assert.deepEqual(first.fractions.find(([, d]) => d === '12/1400 objects'), [12 / 1400, '12/1400 objects']);
  assert.deepEqual(first.fractions.at(-1), [1, '12 objects']);

  const callsAfterFirst = (await make.calls()).length;
  const second = recordingObserver();
  const again = await builder.build({ source, baseConfig: 'tinyconfig', fragments: [lab] }, second);
  assert.deepEqual(second.events, ['started unpack', 'finished unpack cached', 'started configure', 'finished configure cached', 'started build', 'finished build cached']);
  assert.equal(again.fromCache, true);
  assert.equal(again.cacheKey, built.cacheKey);
  assert.deepEqual(again.artifacts, built.artifacts);
  assert.equal(source.extracts, 1, 'no second unpack');
  assert.equal((await make.calls()).length, callsAfterFirst, 'no make at all');

  // The cache layout the lead documents.
  const cache = path.join(dir, 'cache');
  assert.deepEqual((await readdir(path.join(cache, 'trees', 'ab'.repeat(32)))).map((n) => n.replace(/[0-9a-f]{16}$/, 'KEY')).sort(), ['last-used', 'out-KEY', 'src']);
  assert.ok(await exists(path.join(cache, 'kernels', built.cacheKey, 'bzImage')));
  assert.equal((await readdir(path.join(cache, 'configs'))).filter((n) => n.endsWith('.config')).length, 1);
});

test('the next build expects the object count of the last one', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath });
  await builder.build({ source: new FakeSource(), baseConfig: 'tinyconfig', fragments: [lab] }, recordingObserver());
  const other = recordingObserver();
  await builder.build({ source: new FakeSource(`git:${'cd'.repeat(20)}`), baseConfig: 'tinyconfig', fragments: [lab] }, other);
  assert.ok(other.fractions.some(([, d]) => d === '6/12 objects'), JSON.stringify(other.fractions));
});

test('other fragments that resolve to an already built .config: configure runs, build is cached', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath });
  const source = new FakeSource();
  const built = await builder.build({ source, baseConfig: 'tinyconfig', fragments: [lab] }, recordingObserver());
  const observer = recordingObserver();
  const same = await builder.build({ source, baseConfig: 'tinyconfig', fragments: [{ origin: 'lab', text: '# same options\nCONFIG_IPV6=y\nCONFIG_64BIT=y\n' }] }, observer);
  assert.deepEqual(observer.events.filter((e) => e.startsWith('finished')), ['finished unpack cached', 'finished configure done', 'finished build cached']);
  assert.equal(same.cacheKey, built.cacheKey);
  assert.equal(same.fromCache, true);
});

test('an option that cannot be set fails configure, naming it; nothing is cached', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath });
  const observer = recordingObserver();
  const request = { source: new FakeSource(), baseConfig: 'tinyconfig' as const, fragments: [lab, { origin: 'testset phase2-host', text: 'CONFIG_DOES_NOT_EXIST_TESTLAB=y\n' }] };
  await assert.rejects(builder.build(request, observer), (e: unknown) => {
    assert.ok(e instanceof StageError);
    assert.equal(e.stage, 'configure');
    assert.equal(e.message, 'options not set as requested: CONFIG_DOES_NOT_EXIST_TESTLAB (requested y, got absent, from testset phase2-host) [absent: this tree has no such option, or a dependency of it is off]');
    assert.match(e.logPath ?? '', /configure\.log$/);
    return true;
  });
  assert.deepEqual(await readdir(path.join(dir, 'cache', 'configs')).catch(() => []), []);
});

test('a malformed fragment fails configure before the source is even identified', async (t) => {
  const dir = await tempDir(t);
  const source = new FakeSource();
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache') });
  await assert.rejects(builder.build({ source, baseConfig: 'tinyconfig', fragments: [{ origin: 'testset x', text: 'CONFIG_A=y\nCONFIG_B yes\n' }] }, recordingObserver()), (e: unknown) => {
    assert.ok(e instanceof StageError && e.stage === 'configure');
    assert.match(e.message, /testset x line 2: "CONFIG_B yes"/);
    return true;
  });
  assert.equal(source.identifies, 0);
  await assert.rejects(builder.build({ source, baseConfig: 'O=/etc' as 'tinyconfig', fragments: [] }, recordingObserver()), /unknown base config "O=\/etc"/);
});

test('a failing make bzImage is StageError(build) with exit code, last lines and the log', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  await make.failBuild(true);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath });
  await assert.rejects(builder.build({ source: new FakeSource(), baseConfig: 'tinyconfig', fragments: [lab] }, recordingObserver()), (e: unknown) => {
    assert.ok(e instanceof StageError);
    assert.equal(e.stage, 'build');
    assert.match(e.message, /^make bzImage failed \(exit 2\); last lines: .*kernel\/f9\.c:1:1: error: boom \| make\[1\]: \*\*\* /);
    assert.match(e.logPath ?? '', /out-[0-9a-f]{16}\/build\.log$/);
    return true;
  });
  assert.deepEqual(await readdir(path.join(dir, 'cache', 'kernels')).catch(() => []), []);
  // Fixed, the same request builds without configuring again (the out folder's .config is the cached one).
  await make.failBuild(false);
  const observer = recordingObserver();
  const built = await builder.build({ source: new FakeSource(), baseConfig: 'tinyconfig', fragments: [lab] }, observer);
  assert.deepEqual(observer.events.filter((e) => e.startsWith('finished')), ['finished unpack cached', 'finished configure cached', 'finished build done']);
  assert.equal(built.fromCache, false);
});

test('a .config with CONFIG_MODULES=y builds modules and keeps them as one tarball in the cache entry', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath, jobs: 2 });
  const withModules: ConfigFragment = { origin: 'machine', text: 'CONFIG_MODULES=y\nCONFIG_DUMMY=m\n' };
  const built = await builder.build({ source: new FakeSource(), baseConfig: 'tinyconfig', fragments: [lab, withModules] }, recordingObserver());
  assert.ok(built.artifacts.modules !== undefined && (await exists(built.artifacts.modules)));
  const calls = await make.calls();
  assert.ok(calls.some((c) => / -j2 bzImage modules$/.test(c)), calls.join('\n'));
  assert.ok(calls.some((c) => / INSTALL_MOD_STRIP=1 modules_install$/.test(c)), calls.join('\n'));
  const listing = (await execa('tar', ['-tzvf', built.artifacts.modules!])).stdout;
  assert.match(listing, /lib\/modules\/6\.99\.0\/kernel\/drivers\/net\/dummy\.ko/);
  assert.match(listing, /lib\/modules\/6\.99\.0\/modules\.dep/);
  assert.doesNotMatch(listing, /6\.99\.0\/build/, 'the link into this host\'s tree is not shipped');
  assert.match(listing, / 0\/0 /, 'owned by root on the NUT, whoever built it');
  // The cache hit hands back the same tarball; a kernel without modules has none.
  const again = await builder.build({ source: new FakeSource(), baseConfig: 'tinyconfig', fragments: [lab, withModules] }, recordingObserver());
  assert.equal(again.fromCache, true);
  assert.equal(again.artifacts.modules, built.artifacts.modules);
  const plain = await builder.build({ source: new FakeSource(), baseConfig: 'tinyconfig', fragments: [lab] }, recordingObserver());
  assert.equal(plain.artifacts.modules, undefined);
});

test('modules without depmod on the build host fail the build stage, naming the package', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  await make.noDepmod();
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath });
  await assert.rejects(
    builder.build({ source: new FakeSource(), baseConfig: 'tinyconfig', fragments: [lab, { origin: 'm', text: 'CONFIG_MODULES=y\n' }] }, recordingObserver()),
    (e: unknown) => e instanceof StageError && e.stage === 'build' && /no 6\.99\.0\/modules\.dep: depmod is missing .*apt-get install kmod/.test(e.message),
  );
  assert.deepEqual(await readdir(path.join(dir, 'cache', 'kernels')).catch(() => []), [], 'nothing half-built is cached');
});

test('source failures are StageError(unpack); identities are checked before they become paths', async (t) => {
  const dir = await tempDir(t);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache') });
  const broken = new FakeSource();
  broken.identify = async () => {
    throw new Error('download of https://example.org/x.tar.xz failed: HTTP 404 Not Found');
  };
  await assert.rejects(builder.build({ source: broken, baseConfig: 'tinyconfig', fragments: [] }, recordingObserver()), (e: unknown) => {
    assert.ok(e instanceof StageError && e.stage === 'unpack' && /HTTP 404/.test(e.message));
    return true;
  });
  await assert.rejects(builder.build({ source: new FakeSource('sha256:../../etc'), baseConfig: 'tinyconfig', fragments: [] }, recordingObserver()), (e: unknown) => {
    assert.ok(e instanceof StageError && e.stage === 'unpack');
    assert.match(e.message, /source identity "sha256:\.\.\/\.\.\/etc" is not sha256:<hex> or git:<commit>/);
    return true;
  });
});
