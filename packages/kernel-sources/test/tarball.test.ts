// The tarball driver on small stand-in trees: identity, layout, and archives that must not be trusted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { silentProgress } from '@testlab/core';
import { TarballSource } from '../src/index.js';
import { makeTarball, recordingProgress, tempDir, writeMiniKernelTree } from './fixtures.js';

const exists = (p: string) => access(p).then(() => true, () => false);

for (const name of ['linux-6.99.tar.xz', 'linux-6.99.tar.gz', 'linux-6.99.tar']) {
  test(`${name}: identifies by sha256 and extracts the top folder's contents into dir`, async (t) => {
    const dir = await tempDir(t);
    await writeMiniKernelTree(path.join(dir, 'linux-6.99'));
    const tarball = path.join(dir, name);
    await makeTarball(tarball, dir, 'linux-6.99');

    const source = new TarballSource(tarball);
    const progress = recordingProgress();
    const id = await source.identify(path.join(dir, 'cache'), progress);
    const expected = createHash('sha256').update(await readFile(tarball)).digest('hex');
    assert.deepEqual(id, { hash: `sha256:${expected}`, label: name });
    assert.ok(progress.fractions.length > 0, 'hashing reports progress');

    const out = path.join(dir, 'out');
    await mkdir(out);
    await source.extractTo(out, path.join(dir, 'cache'), silentProgress);
    assert.match(await readFile(path.join(out, 'Makefile'), 'utf8'), /PATCHLEVEL = 99/);
    assert.ok(await exists(path.join(out, 'init/main.c')));
    assert.deepEqual((await readdir(out)).sort(), ['Kconfig', 'Makefile', 'arch', 'init', 'scripts'], 'no temp folder left behind');
  });
}

test('a flat tarball (no top folder) extracts too', async (t) => {
  const dir = await tempDir(t);
  await writeMiniKernelTree(path.join(dir, 'tree'));
  const tarball = path.join(dir, 'flat.tar.gz');
  await execa('tar', ['-czf', tarball, '-C', path.join(dir, 'tree'), '.']);
  const out = path.join(dir, 'out');
  await mkdir(out);
  await new TarballSource(tarball).extractTo(out, dir, silentProgress);
  assert.ok(await exists(path.join(out, 'scripts/kconfig/merge_config.sh')));
});

test('a tarball whose top is not a kernel tree: the error names the file and what is missing', async (t) => {
  const dir = await tempDir(t);
  await writeMiniKernelTree(path.join(dir, 'linux-6.99'), { omit: 'scripts/' });
  const tarball = path.join(dir, 'half.tar.xz');
  await makeTarball(tarball, dir, 'linux-6.99');
  const out = path.join(dir, 'out');
  await mkdir(out);
  await assert.rejects(new TarballSource(tarball).extractTo(out, dir, silentProgress), (e: Error) => {
    assert.equal(e.message, `${tarball} is not a Linux kernel tree: no scripts/kconfig/merge_config.sh`);
    return true;
  });
  assert.deepEqual(await readdir(out), [], 'nothing lands in dir when the tree is refused');
});

test('a Makefile without version lines is not a kernel', async (t) => {
  const dir = await tempDir(t);
  await writeMiniKernelTree(path.join(dir, 'linux-x'));
  await writeFile(path.join(dir, 'linux-x', 'Makefile'), 'all:\n\ttrue\n');
  const tarball = path.join(dir, 'x.tar');
  await makeTarball(tarball, dir, 'linux-x');
  const out = path.join(dir, 'out');
  await mkdir(out);
  await assert.rejects(new TarballSource(tarball).extractTo(out, dir, silentProgress), /is not a Linux kernel tree: no "VERSION = <n>" line in Makefile, no "PATCHLEVEL = <n>" line in Makefile/);
});

test('random bytes named .tar.xz: the error names the file and carries tar\'s message', async (t) => {
  const dir = await tempDir(t);
  const tarball = path.join(dir, 'garbage.tar.xz');
  await writeFile(tarball, randomBytes(64 * 1024));
  const out = path.join(dir, 'out');
  await mkdir(out);
  await assert.rejects(new TarballSource(tarball).extractTo(out, dir, silentProgress), (e: Error) => {
    assert.ok(e.message.startsWith(`cannot extract ${tarball}: tar says: `), e.message);
    assert.match(e.message, /does not look like a tar archive/);
    return true;
  });
});

/** Python's tarfile writes the members GNU tar would never create itself. */
async function hostileTarball(out: string, members: ReadonlyArray<{ name: string; type?: 'file' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo'; target?: string }>): Promise<void> {
  const script = [
    'import io, json, sys, tarfile',
    'members = json.loads(sys.argv[2])',
    "with tarfile.open(sys.argv[1], 'w') as t:",
    '    for m in members:',
    "        i = tarfile.TarInfo(m['name'])",
    "        kind = m.get('type', 'file')",
    "        if kind == 'symlink': i.type = tarfile.SYMTYPE; i.linkname = m['target']; t.addfile(i)",
    "        elif kind == 'hardlink': i.type = tarfile.LNKTYPE; i.linkname = m['target']; t.addfile(i)",
    "        elif kind == 'chardev': i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 1; i.mode = 0o666; t.addfile(i)",
    "        elif kind == 'blockdev': i.type = tarfile.BLKTYPE; i.devmajor = 8; i.devminor = 0; i.mode = 0o666; t.addfile(i)",
    "        elif kind == 'fifo': i.type = tarfile.FIFOTYPE; i.mode = 0o666; t.addfile(i)",
    "        else: data = b'evil\\n'; i.size = len(data); t.addfile(i, io.BytesIO(data))",
  ].join('\n');
  await execa('python3', ['-c', script, out, JSON.stringify(members)]);
}

const kernelMembers = ['Makefile', 'Kconfig', 'scripts/kconfig/merge_config.sh', 'arch/x86/Kconfig'].map((n) => ({ name: `linux/${n}` }));

test('a ../evil member cannot write outside, and the extraction fails', async (t) => {
  const dir = await tempDir(t);
  const tarball = path.join(dir, 'evil.tar');
  await hostileTarball(tarball, [...kernelMembers, { name: '../evil' }, { name: 'linux/../../evil2' }, { name: 'linux/hl', type: 'hardlink', target: '../../evil3' }]);
  const out = path.join(dir, 'deep', 'out');
  await mkdir(out, { recursive: true });
  await assert.rejects(new TarballSource(tarball).extractTo(out, dir, silentProgress), /cannot extract .*evil\.tar: tar says: .*Member name contains '\.\.'/);
  for (const p of [path.join(dir, 'deep', 'evil'), path.join(dir, 'evil'), path.join(dir, 'deep', 'evil2'), path.join(dir, 'evil2'), path.join(dir, 'deep', 'evil3')]) {
    assert.ok(!(await exists(p)), `${p} was written`);
  }
  assert.deepEqual(await readdir(out), []);
});

test('a symlink pointing out of the tree is refused', async (t) => {
  const dir = await tempDir(t);
  const tarball = path.join(dir, 'link.tar');
  await hostileTarball(tarball, [...kernelMembers, { name: 'linux/include/etc', type: 'symlink', target: '/etc' }, { name: 'linux/up', type: 'symlink', target: '../../..' }, { name: 'linux/ok', type: 'symlink', target: 'Makefile' }]);
  const out = path.join(dir, 'out');
  await mkdir(out);
  await assert.rejects(new TarballSource(tarball).extractTo(out, dir, silentProgress), (e: Error) => {
    assert.match(e.message, /link\.tar has symlinks that point outside the tree: /);
    assert.match(e.message, /include\/etc -> \/etc/);
    assert.match(e.message, /up -> \.\.\/\.\.\/\.\./);
    assert.doesNotMatch(e.message, /ok -> Makefile/);
    return true;
  });
  assert.deepEqual(await readdir(out), []);
});

test('symlinks that leave the top by its own name, or through another link, are refused too', async (t) => {
  const dir = await tempDir(t);
  for (const [name, members] of [
    // `linux/` is the top; its contents move into dir, so `../linux/Makefile` would then point beside dir.
    ['byname.tar', [{ name: 'linux/a', type: 'symlink', target: '../linux/Makefile' }]],
    // Each link alone stays inside by counting, but p/q/s is `p`, so s/../../.. is one above the top.
    ['chain.tar', [{ name: 'linux/p/q/s', type: 'symlink', target: '..' }, { name: 'linux/p/q/l', type: 'symlink', target: 's/../../..' }]],
  ] as const) {
    const tarball = path.join(dir, name);
    await hostileTarball(tarball, [...kernelMembers, { name: 'linux/p/q/keep' }, ...members]);
    const out = path.join(dir, `out-${name}`);
    await mkdir(out);
    await assert.rejects(new TarballSource(tarball).extractTo(out, dir, silentProgress), /has symlinks that point outside the tree/, name);
  }
});

test('device nodes and FIFOs in a tarball are refused by name, and none is left on disk', async (t) => {
  const dir = await tempDir(t);
  const tarball = path.join(dir, 'special.tar');
  // As root tar would create /dev/mem's twin (1,1) and a disk (8,0) for anyone who can reach them.
  const asRoot = process.getuid?.() === 0;
  const devices = asRoot ? [{ name: 'linux/drivers/mem', type: 'chardev' as const }, { name: 'linux/disk', type: 'blockdev' as const }] : [];
  await hostileTarball(tarball, [...kernelMembers, ...devices, { name: 'linux/pipe', type: 'fifo' }]);
  const out = path.join(dir, 'out');
  await mkdir(out);
  await assert.rejects(new TarballSource(tarball).extractTo(out, dir, silentProgress), (e: Error) => {
    assert.match(e.message, /special\.tar has device nodes, FIFOs or sockets, which no kernel tree has: /);
    assert.match(e.message, /pipe \(FIFO\)/);
    if (asRoot) assert.match(e.message, /drivers\/mem \(character device\), .*disk \(block device\)|disk \(block device\), .*drivers\/mem \(character device\)/);
    return true;
  });
  assert.deepEqual(await readdir(out), []);
  assert.deepEqual((await readdir(dir)).sort(), ['out', 'special.tar'], 'nothing of the extraction is left');
});

test('a tarball that changes between identify and extract is refused', async (t) => {
  const dir = await tempDir(t);
  await writeMiniKernelTree(path.join(dir, 'linux-6.99'));
  const tarball = path.join(dir, 'linux.tar');
  await makeTarball(tarball, dir, 'linux-6.99');
  const source = new TarballSource(tarball);
  await source.identify(dir, silentProgress);
  await writeFile(path.join(dir, 'linux-6.99', 'init/main.c'), 'changed\n');
  await makeTarball(tarball, dir, 'linux-6.99');
  const out = path.join(dir, 'out');
  await mkdir(out);
  await assert.rejects(source.extractTo(out, dir, silentProgress), /changed while in use: identified as sha256:/);
  assert.deepEqual(await readdir(out), []);
});

test('a missing tarball is named', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(new TarballSource(path.join(dir, 'nope.tar.xz')).identify(dir, silentProgress), /kernel tarball .*nope\.tar\.xz cannot be read: ENOENT/);
});
