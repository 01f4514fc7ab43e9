// The version a tarball's top Makefile declares, read from real small tarballs (gzip, xz, plain; with a top
// folder as kernel.org's and Debian's, and without) made by GNU tar, as `make kernelversion` would say it and
// the lab writes it; tarballs that are not kernel trees are refused with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { kernelVersionInSource, kernelVersionInTarball, makefileVariables } from '../src/index.js';
import { makeTarball, tempDir } from './fixtures.js';

const makefile = (sublevel: string, extra = '') =>
  `# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = ${sublevel}\nEXTRAVERSION =${extra}\nNAME = Curry Ramen\n\nkernelversion:\n\t@echo $(KERNELVERSION)\n`;

/** A tree whose Documentation/Makefile (no VERSION) comes before the top one, as in a real tarball. */
async function tree(dir: string, top: string, topMakefile: string | undefined): Promise<void> {
  const files: Record<string, string> = {
    'Documentation/Makefile': '# Makefile for Sphinx documentation\nSPHINXBUILD = sphinx-build\n',
    'Documentation/process/howto.rst': 'HOWTO\n'.repeat(2000),
    'Kconfig': 'mainmenu "Linux"\n',
    'tools/Makefile': 'include scripts/Makefile.include\n',
  };
  if (topMakefile !== undefined) files.Makefile = topMakefile;
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, top, name)), { recursive: true });
    await writeFile(path.join(dir, top, name), text);
  }
}

test("the top Makefile's version, from gzip, xz and plain tarballs with a top folder", async (t) => {
  const dir = await tempDir(t);
  await tree(dir, 'linux-source-6.1', makefile('158'));
  for (const name of ['my-kernel.tar.gz', 'my-kernel.tar.xz', 'my-kernel.tar']) {
    const file = path.join(dir, name);
    await makeTarball(file, dir, 'linux-source-6.1');
    assert.equal((await kernelVersionInTarball(file)).text, '6.1.158', name);
    assert.equal((await kernelVersionInSource(file))?.text, '6.1.158', name);
  }
});

test('a final and an rc are written as their tags name them; what make would say is checked', async (t) => {
  const dir = await tempDir(t);
  await tree(dir, 'final', makefile('0'));
  await tree(dir, 'rc', makefile('0', ' -rc3'));
  await tree(dir, 'odd', makefile('158', ' -my-build'));
  const made = async (top: string) => {
    const file = path.join(dir, `${top}.tar.xz`);
    await makeTarball(file, dir, top);
    return file;
  };
  assert.equal((await kernelVersionInTarball(await made('final'))).text, '6.1');
  assert.equal((await kernelVersionInTarball(await made('rc'))).text, '6.1-rc3');
  await assert.rejects(kernelVersionInTarball(await made('odd')), /odd\.tar\.xz: its Makefile declares no kernel version the lab knows: invalid kernel version "6\.1\.158-my-build"/);
});

test('a flat tarball (no top folder) is read too; its Documentation/Makefile is not taken for the top one', async (t) => {
  const dir = await tempDir(t);
  await tree(dir, 'flat', makefile('7'));
  const file = path.join(dir, 'flat.tar.gz');
  await execa('tar', ['-czf', file, '-C', path.join(dir, 'flat'), 'Documentation', 'Kconfig', 'Makefile', 'tools']);
  assert.equal((await kernelVersionInTarball(file)).text, '6.1.7');
});

test('not a kernel tree, not a tarball: refused with the reason; URLs and repositories are not read', async (t) => {
  const dir = await tempDir(t);
  await tree(dir, 'docs-only', undefined);
  const noMakefile = path.join(dir, 'docs-only.tar.gz');
  await makeTarball(noMakefile, dir, 'docs-only');
  await assert.rejects(kernelVersionInTarball(noMakefile), /docs-only\.tar\.gz has no top Makefile: is it a kernel tree\?/);
  const garbage = path.join(dir, 'garbage.tar.xz');
  await writeFile(garbage, Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(4096, 7)]));
  await assert.rejects(kernelVersionInTarball(garbage), /garbage\.tar\.xz/);
  const notTar = path.join(dir, 'text.tar');
  await writeFile(notTar, 'hello\n'.repeat(1000));
  await assert.rejects(kernelVersionInTarball(notTar), /text\.tar/);
  assert.equal(await kernelVersionInSource('https://example.org/pub/my-kernel.tar.xz'), undefined);
  await assert.rejects(kernelVersionInSource(path.join(dir, 'missing.tar.xz')), /does not exist/);
});

test('makefileVariables reads the four assignments, and only from a top Makefile', () => {
  assert.deepEqual(makefileVariables(makefile('158')), { VERSION: '6', PATCHLEVEL: '1', SUBLEVEL: '158', EXTRAVERSION: '' });
  assert.deepEqual(makefileVariables('VERSION=6\nPATCHLEVEL\t= 12\n'), { VERSION: '6', PATCHLEVEL: '12', SUBLEVEL: '', EXTRAVERSION: '' });
  assert.equal(makefileVariables('SPHINXBUILD = sphinx-build\n'), undefined);
});
