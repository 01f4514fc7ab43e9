// infra/nut-image/build-initramfs.sh: what the image holds, and that a rerun with unchanged inputs is a no-op.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { defaultNutImageScript } from '../src/nut-image.js';

describe('NUT base image (build-initramfs.sh)', () => {
  let dir = '';
  let image = '';
  let listing: string[] = [];
  let firstRun = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testlab-image-'));
    image = join(dir, 'initramfs.gz');
    firstRun = (await execa(defaultNutImageScript, [image])).stdout;
    const { stdout } = await execa('cpio', ['-t', '-v', '--quiet', '--numeric-uid-gid'], { input: gunzipSync(await readFile(image)) });
    listing = stdout.split('\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const entry = (path: string) => listing.find((line) => line.split(/\s+/)[8] === path);

  it('reports the size', () => {
    assert.match(firstRun, /initramfs: .*initramfs\.gz \(\d+ bytes, [\d.]+ MiB\) built/);
  });

  it('holds /init, busybox as a real file, its applets as links, and the dynamic programs', () => {
    assert.match(entry('init') ?? '', /^-rwxr-xr-x/);
    assert.match(entry('bin/busybox') ?? '', /^-rwx/); // a file, never a link to itself (ELOOP)
    assert.match(entry('bin/sh') ?? '', /^l.* -> \/bin\/busybox$/);
    for (const program of ['usr/sbin/dropbear', 'usr/sbin/radvd', 'usr/sbin/ip', 'lib64/ld-linux-x86-64.so.2', 'lib/x86_64-linux-gnu/libc.so.6']) {
      assert.match(entry(program) ?? '', /^-/, program);
    }
  });

  it('carries /dev/console (character device 5:1) in the appended archive', async () => {
    // GNU cpio cannot create the node without root, so the script appends a hand-written newc entry;
    // cpio -t stops at the first trailer, so read the entry's header directly.
    const data = gunzipSync(await readFile(image));
    const at = data.lastIndexOf(Buffer.from('dev/console\0')); // binaries hold the string too
    assert.ok(at > 110);
    const header = data.toString('latin1', at - 110, at);
    const field = (i: number) => parseInt(header.slice(6 + 8 * i, 14 + 8 * i), 16);
    assert.equal(header.slice(0, 6), '070701');
    assert.equal(field(1), 0o020600); // mode
    assert.deepEqual([field(9), field(10)], [5, 1]); // rdevmajor, rdevminor
  });

  it('is owned by root throughout, with a private /root, and has no keys', () => {
    for (const line of listing.filter((l) => l !== '')) assert.match(line, /^\S+\s+\d+\s+0\s+0\s/, line);
    assert.match(entry('root') ?? '', /^drwx------/);
    assert.ok(!listing.some((line) => /authorized_keys|dropbear_.*_host_key|\.ssh/.test(line)));
  });

  it('has passwd and group with root', async () => {
    const dir2 = await mkdtemp(join(tmpdir(), 'testlab-image-x-'));
    try {
      await execa('cpio', ['-i', '-d', '--quiet', 'etc/passwd', 'etc/group'], { input: gunzipSync(await readFile(image)), cwd: dir2 });
      assert.equal(await readFile(join(dir2, 'etc/passwd'), 'utf8'), 'root:x:0:0:root:/root:/bin/sh\n');
      assert.equal(await readFile(join(dir2, 'etc/group'), 'utf8'), 'root:x:0:\n');
    } finally {
      await rm(dir2, { recursive: true, force: true });
    }
  });

  it('does nothing on a rerun with the same inputs', async () => {
    const before = (await stat(image)).mtimeMs;
    const { stdout } = await execa(defaultNutImageScript, [image]);
    assert.match(stdout, /up to date/);
    assert.equal((await stat(image)).mtimeMs, before);
    assert.equal((await readFile(`${image}.inputs`, 'utf8')).trim().length, 64);
  });
});
