// The SSH client's files (SFTP) and remote forwarding against a real OpenSSH server on 127.0.0.1.
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SshClient, SshHostKeyMismatchError } from '../src/ssh/index.js';
import { haveSshd, makeKeyPair, startLoopbackSshd, type LoopbackSshd } from './support/loopback-sshd.js';
import { publicKeyBlob } from '@testlab/core';

describe('SSH client: files and forwarding', { skip: haveSshd ? false : 'no OpenSSH server installed' }, () => {
  let sshd: LoopbackSshd;
  const client = () => new SshClient({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.privateKey, hostKey: sshd.hostKey });

  before(async () => {
    sshd = await startLoopbackSshd();
  });
  after(async () => {
    await sshd?.stop();
  });

  it('writes a file with its mode, reads it back, lists the folder', async () => {
    const ssh = client();
    try {
      await ssh.openSftp();
      const file = path.join(sshd.dir, 'remote', 'tn.def');
      await ssh.exec(['mkdir', '-p', path.dirname(file)]);
      await ssh.writeFile(file, 'Link0 eth1 00:00:00:00:01:00\n', 0o640);
      assert.equal(readFileSync(file, 'utf8'), 'Link0 eth1 00:00:00:00:01:00\n');
      assert.equal((await ssh.exec(['stat', '-c', '%a', file])).stdout, '640\n');
      assert.deepEqual(await ssh.readFile(file), Buffer.from('Link0 eth1 00:00:00:00:01:00\n'));
      await ssh.exec(['mkdir', path.join(sshd.dir, 'remote', 'sub')]);
      const entries = (await ssh.readdir(path.dirname(file))).sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(entries, [{ name: 'sub', isFile: false, kind: 'a folder', size: entries[0]!.size }, { name: 'tn.def', isFile: true, kind: 'a regular file', size: 29 }]);
      // lstat tells a link from its target: a report file linked to a secret is seen for what it is.
      symlinkSync('/etc/passwd', path.join(sshd.dir, 'remote', 'link.html'));
      assert.deepEqual(await ssh.lstat(path.join(sshd.dir, 'remote', 'link.html')), { isFile: false, kind: 'a symbolic link', size: (await ssh.lstat(path.join(sshd.dir, 'remote', 'link.html'))).size });
      assert.equal((await ssh.lstat(file)).kind, 'a regular file');
      await assert.rejects(ssh.readFile(path.join(sshd.dir, 'missing')), /No such file/);
    } finally {
      ssh.close();
    }
  });

  it('forwards a port on the server back to this process', async () => {
    const ssh = client();
    try {
      const port = await ssh.forwardRemotePort((channel) => {
        channel.on('data', (b: Buffer) => channel.end(`lab heard ${b.toString().trim()}\n`));
      });
      assert.ok(port > 0);
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = net.connect(port, '127.0.0.1', () => socket.write('racontrol\n'));
        socket.on('data', (b) => (text += b.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.equal(answer, 'lab heard racontrol\n');
    } finally {
      ssh.close();
    }
  });

  it('refuses OpenSSH presenting another host key than the pinned one', async () => {
    const ssh = new SshClient({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.privateKey, hostKey: publicKeyBlob(makeKeyPair('other').public) });
    await assert.rejects(ssh.connect(), (e: unknown) => e instanceof SshHostKeyMismatchError && /presented host key SHA256:\S+, expected SHA256:\S+: refused$/.test(e.message));
  });
});
