// An SSH machine boots the system installed on it: a boot request carrying an engine's own NUT image (a
// kselftest run) is refused before the machine is touched, naming the image; a QEMU NUT boots that image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NutBootError, silentProgress } from '@testlab/core';
import { SshMachineDriver } from '../src/index.js';

test('a machine refuses a boot request with an engine image, before connecting', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'testlab-machine-image-'));
  // Port 9 on loopback: nothing answers there, so a driver that tried to connect would fail differently.
  const driver = new SshMachineDriver({
    name: 'rack-1', target: { host: '127.0.0.1', port: 9, username: 'root', privateKey: 'unused', hostKey: Buffer.alloc(0) },
    remoteDir: '/var/tmp/testlab', installCommand: ['true'], oneTimeBoot: { method: 'kexec' }, knownGoodRelease: '6.1.0', reachTimeoutMs: 1_000, retryPauseMs: 100,
  });
  await assert.rejects(
    driver.boot({ kernel: { bzImage: '/k/bzImage', kernelRelease: '6.1.192' }, image: { baseInitramfs: '/cache/kselftest/abc/nut.cpio.gz', memoryMiB: 1024 }, links: 0, consoleLog: path.join(dir, 'console.log') }, silentProgress),
    (e: Error) => e instanceof NutBootError && /rack-1: invalid boot request: a machine cannot boot the engine's NUT image \/cache\/kselftest\/abc\/nut\.cpio\.gz/.test(e.message),
  );
});
