// The net selftests build against a small stand-in kernel tree whose Makefiles behave as the kernel's do for
// the two targets the lab calls (`headers`, and the selftests' `all` with TARGETS=net and O=): real make,
// real files. The real build is in net-ipv6.e2e.test.ts; this checks publishing, reuse and failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildNetSelftests } from '../src/index.js';

async function standInTree(dir: string, headersFail = false): Promise<string> {
  const tree = path.join(dir, 'linux');
  const net = path.join(tree, 'tools/testing/selftests/net');
  await mkdir(net, { recursive: true });
  await writeFile(path.join(tree, 'Makefile'), headersFail ? 'headers:\n\t@echo "no compiler"; exit 2\n' : 'headers:\n\tmkdir -p $(O)/usr/include && echo "#define X 1" > $(O)/usr/include/x.h\n');
  // Slow enough that two builds started together overlap; prog_bad fails as a program without its library does.
  await writeFile(
    path.join(tree, 'tools/testing/selftests/Makefile'),
    [
      'OUT := $(O)/kselftest/$(TARGETS)',
      'all: $(OUT)/prog_ok $(OUT)/prog_bad',
      '$(OUT)/prog_ok:',
      '\tsleep 0.5; mkdir -p $(OUT) && printf "#!/bin/sh\\necho ok\\n" > $@ && chmod +x $@',
      '$(OUT)/prog_bad:',
      '\t@echo "fatal error: numa.h: No such file or directory"; exit 1',
      '',
    ].join('\n'),
  );
  for (const [name, text] of [['script.sh', '#!/bin/sh\n'], ['settings', 'timeout=90\n'], ['prog_ok.c', 'int main(void){}\n'], ['Makefile', 'all:\n'], ['config', 'CONFIG_IPV6=y\n']]) {
    await writeFile(path.join(net, name as string), text as string);
  }
  await chmod(path.join(net, 'script.sh'), 0o755);
  return tree;
}

const quiet = () => {
  const steps: string[] = [];
  return { steps, progress: { step: (s: string) => void steps.push(s), fraction: () => {} } };
};

test('two runs building the same selftests at once: one build is published whole, both get it, and the next run reuses it', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'selftests-build-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tree = await standInTree(dir);
  const outDir = path.join(dir, 'cache', 'kselftest', '0123456789abcdef');

  const [a, b] = await Promise.all([buildNetSelftests({ tree, outDir, progress: quiet().progress }), buildNetSelftests({ tree, outDir, progress: quiet().progress })]);
  assert.deepEqual(a, b);
  assert.deepEqual(a, { installDir: path.join(outDir, 'install'), notBuilt: ['prog_bad'], buildLog: path.join(outDir, 'build.log') });
  assert.deepEqual((await readdir(path.join(outDir, 'install/net'))).sort(), ['prog_ok', 'script.sh', 'settings']);
  await access(a.buildLog);
  assert.deepEqual(await readdir(path.dirname(outDir)), ['0123456789abcdef'], 'no build folder of either run is left');

  const again = quiet();
  assert.deepEqual(await buildNetSelftests({ tree, outDir, progress: again.progress }), a);
  assert.deepEqual(again.steps, [`net selftests already built in ${outDir}`]);
});

test('a folder left by a build in place (no installed.json) is replaced; a failed build leaves its log and no folder', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'selftests-build-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const outDir = path.join(dir, 'kselftest', 'fedcba9876543210');
  await mkdir(path.join(outDir, 'obj'), { recursive: true });
  await writeFile(path.join(outDir, 'build.log'), 'half a build\n');
  const built = await buildNetSelftests({ tree: await standInTree(path.join(dir, 'good')), outDir, progress: quiet().progress });
  assert.deepEqual(built.notBuilt, ['prog_bad']);

  const failedOut = path.join(dir, 'kselftest', 'aaaaaaaaaaaaaaaa');
  await assert.rejects(buildNetSelftests({ tree: await standInTree(path.join(dir, 'bad'), true), outDir: failedOut, progress: quiet().progress }), {
    message: `make headers failed in ${path.join(dir, 'bad', 'linux')}; see ${failedOut}.failed-build.log`,
  });
  await access(`${failedOut}.failed-build.log`);
  assert.deepEqual((await readdir(path.join(dir, 'kselftest'))).sort(), ['aaaaaaaaaaaaaaaa.failed-build.log', 'fedcba9876543210']);
});
