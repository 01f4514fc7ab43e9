import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { newcArchive, S_IFREG } from '../src/qemu/newc.js';
import { buildKeysOverlay, writeCombinedInitrd } from '../src/qemu/overlay.js';

const KEYS = { authorizedKeys: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake testlab', hostKey: Buffer.from([0, 1, 2, 3, 4, 5, 6]) };

async function cpioList(archive: Buffer, verbose: boolean): Promise<string[]> {
  const { stdout } = await execa('cpio', verbose ? ['-t', '-v', '--quiet', '--numeric-uid-gid'] : ['-t', '--quiet'], { input: archive });
  return stdout.split('\n');
}

describe('key overlay archive', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('holds authorized_keys and the host key, owned by root with dropbear-safe modes', async () => {
    const archive = gunzipSync(buildKeysOverlay(KEYS));
    assert.deepEqual(await cpioList(archive, false), [
      'root', 'root/.ssh', 'root/.ssh/authorized_keys', 'etc', 'etc/dropbear', 'etc/dropbear/dropbear_ed25519_host_key',
    ]);
    const modes = (await cpioList(archive, true)).map((line) => {
      const [mode, , uid, gid] = line.split(/\s+/);
      return `${mode} ${uid}:${gid} ${line.split(/\s+/).at(-1)}`;
    });
    assert.deepEqual(modes, [
      'drwx------ 0:0 root',
      'drwx------ 0:0 root/.ssh',
      '-rw------- 0:0 root/.ssh/authorized_keys',
      'drwxr-xr-x 0:0 etc',
      'drwx------ 0:0 etc/dropbear',
      '-rw------- 0:0 etc/dropbear/dropbear_ed25519_host_key',
    ]);
  });

  it('extracts to the exact file contents', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testlab-overlay-'));
    dirs.push(dir);
    await execa('cpio', ['-i', '-d', '--quiet', '--no-absolute-filenames'], { input: gunzipSync(buildKeysOverlay(KEYS)), cwd: dir });
    assert.equal(await readFile(join(dir, 'root/.ssh/authorized_keys'), 'utf8'), `${KEYS.authorizedKeys}\n`);
    assert.deepEqual(await readFile(join(dir, 'etc/dropbear/dropbear_ed25519_host_key')), KEYS.hostKey);
  });

  it('pads names and data to 4 bytes for any length', async () => {
    const entries = [1, 2, 3, 4, 5].map((n) => ({ name: 'f'.repeat(n), mode: S_IFREG | 0o644, data: Buffer.alloc(n, 0x41) }));
    assert.deepEqual(await cpioList(newcArchive(entries), false), ['f', 'ff', 'fff', 'ffff', 'fffff']);
    assert.throws(() => newcArchive([{ name: '/abs', mode: S_IFREG }]));
  });

  it('appends the overlay to the base image in one initrd file (0600)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testlab-overlay-'));
    dirs.push(dir);
    const base = gzipSync(newcArchive([{ name: 'init', mode: S_IFREG | 0o755, data: Buffer.from('#!/bin/sh\n') }]));
    await writeFile(join(dir, 'base.gz'), base);
    const overlay = buildKeysOverlay(KEYS);
    await writeCombinedInitrd(join(dir, 'base.gz'), overlay, join(dir, 'vm.initrd.gz'));
    const combined = await readFile(join(dir, 'vm.initrd.gz'));
    assert.deepEqual(combined, Buffer.concat([base, overlay]));
    assert.equal((await stat(join(dir, 'vm.initrd.gz'))).mode & 0o777, 0o600);
    // gunzip reads concatenated members as one stream, as Linux's initramfs unpacker does.
    const names = (await cpioList(gunzipSync(combined), false)).filter((n) => n !== '');
    assert.deepEqual(names, ['init']); // cpio -t stops at the first trailer; the kernel goes on
  });
});
