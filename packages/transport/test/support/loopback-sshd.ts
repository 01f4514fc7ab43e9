// A real OpenSSH server on 127.0.0.1 (playing the TAHI tester host in engine-tahi's tests): its own host
// key, a client key made for the test, SFTP and remote forwarding on. Ended by its own process id.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { publicKeyBlob } from '@testlab/core';

export interface LoopbackSshd {
  port: number;
  dir: string;
  privateKey: string;
  hostKey: Buffer;
  stop(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';
export const haveSshd = existsSync(SSHD) && existsSync('/usr/lib/openssh/sftp-server');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * An ed25519 key pair in OpenSSH's formats, by ssh-keygen: ssh2's generator makes a malformed key 1 time in
 * 256 (see nut-drivers keys.ts).
 */
export function makeKeyPair(comment: string): { private: string; public: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'transport-keygen-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path.join(dir, 'key')]);
    return { private: readFileSync(path.join(dir, 'key'), 'utf8'), public: readFileSync(path.join(dir, 'key.pub'), 'utf8').trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startLoopbackSshd(): Promise<LoopbackSshd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tahi-tester-sshd-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  const client = makeKeyPair('testlab-test');
  writeFileSync(path.join(dir, 'authorized_keys'), `${client.public}\n`, { mode: 0o600 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    'LogLevel ERROR',
  ];
  writeFileSync(path.join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  // Ready when the port accepts a connection (sshd -D prints nothing on success).
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || i > 200) throw new Error(`sshd did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const hostKeyLine = readFileSync(path.join(dir, 'host_key.pub'), 'utf8');
  return {
    port,
    dir,
    privateKey: client.private,
    hostKey: publicKeyBlob(hostKeyLine),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
