// Fetching a report folder from a tester host (OpenSSH on loopback playing the tester): a report file that
// is a symbolic link on the tester (to the tester's own secrets) is refused by name, never fetched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TesterHost, TesterHostError } from '../src/tester-host.js';
import { haveSshd, startLoopbackSshd, type LoopbackSshd } from '@testlab/transport/test-sshd';

let sshd: LoopbackSshd;
before(async () => {
  if (haveSshd) sshd = await startLoopbackSshd();
});
after(async () => {
  await sshd?.stop();
});

const connect = () => TesterHost.connect({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.privateKey, hostKey: sshd.hostKey });

test('a report file that is a symbolic link on the tester is refused, naming it', { skip: !haveSshd && 'no OpenSSH server' }, async () => {
  const remote = path.join(sshd.dir, 'report');
  mkdirSync(remote);
  writeFileSync(path.join(remote, 'report.html'), '<HTML></HTML>\n');
  const secret = path.join(sshd.dir, 'tester-only.txt');
  writeFileSync(secret, 'the tester host keeps this to itself\n');
  symlinkSync(secret, path.join(remote, '2.html'));
  const local = mkdtempSync(path.join(os.tmpdir(), 'tahi-fetch-'));
  const tester = await connect();
  try {
    assert.deepEqual(await tester.fetchFolder(remote, local, (n) => n === 'report.html'), ['report.html']);
    await assert.rejects(
      tester.fetchFolder(remote, local, (n) => n === '2.html'),
      (e: Error) => e instanceof TesterHostError && /2\.html on the tester is a symbolic link, not a regular file: refused/.test(e.message),
    );
    assert.equal(existsSync(path.join(local, '2.html')), false);
    assert.equal(readFileSync(path.join(local, 'report.html'), 'utf8'), '<HTML></HTML>\n');
  } finally {
    tester.close();
  }
});

test('a fetched file never follows a link already in the local folder', { skip: !haveSshd && 'no OpenSSH server' }, async () => {
  const remote = path.join(sshd.dir, 'report2');
  mkdirSync(remote);
  writeFileSync(path.join(remote, 'summary.html'), 'from the tester\n');
  const local = mkdtempSync(path.join(os.tmpdir(), 'tahi-fetch-'));
  const victim = path.join(mkdtempSync(path.join(os.tmpdir(), 'lab-file-')), 'victim');
  writeFileSync(victim, 'the lab host file\n');
  symlinkSync(victim, path.join(local, 'summary.html'));
  const tester = await connect();
  try {
    await assert.rejects(tester.fetchFolder(remote, local, () => true), /summary\.html: cannot write/);
    assert.equal(readFileSync(victim, 'utf8'), 'the lab host file\n');
  } finally {
    tester.close();
  }
});
