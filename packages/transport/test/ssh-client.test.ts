// The SSH client's commands against a local ssh2 server that runs them with /bin/sh -c, as dropbear does.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { publicKeyBlob } from '@testlab/core';
import { SshClient, SshExecTimeoutError, SshHostKeyMismatchError, type SshTarget } from '../src/ssh/index.js';
import { makeKeyPair } from './support/loopback-sshd.js';

const hostKey = makeKeyPair('host');
const otherHostKey = makeKeyPair('other-host');
const clientKey = makeKeyPair('client');
const WORDS = ["it's", '$HOME', 'a; echo injected', '`id`', '"q"', 'back\\slash', 'new\nline', '', '*'];

describe('SSH client: commands', () => {
  let server: ssh2.Server;
  let port = 0;
  const target = (over: Partial<SshTarget> = {}): SshTarget => ({
    host: '127.0.0.1', port, username: 'root', privateKey: clientKey.private, hostKey: publicKeyBlob(hostKey.public), ...over,
  });

  before(async () => {
    const allowed = publicKeyBlob(clientKey.public);
    server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client) => {
      client.on('authentication', (ctx) => {
        if (ctx.method === 'publickey' && ctx.key.data.equals(allowed)) ctx.accept();
        else ctx.reject(['publickey']);
      });
      client.on('error', () => {});
      client.on('session', (accept) => {
        const session = accept();
        // As dropbear: a signal request reaches the command's processes (its own group here, so a pipeline
        // or a nested shell goes too), and so does the end of the channel.
        let killGroup = (_signal: NodeJS.Signals) => {};
        session.on('signal', (_accept, _reject, info) => killGroup(`SIG${info.name}` as NodeJS.Signals));
        session.on('exec', (acceptExec, _reject, info) => {
          const channel = acceptExec();
          const child = spawn('/bin/sh', ['-c', info.command], { detached: true });
          killGroup = (signal) => {
            try {
              process.kill(-child.pid!, signal);
            } catch {}
          };
          channel.pipe(child.stdin);
          child.stdin.on('error', () => {});
          child.stdout.pipe(channel, { end: false });
          child.stderr.pipe(channel.stderr, { end: false });
          channel.on('close', () => killGroup('SIGKILL'));
          // 'close', not 'exit': a process can exit before its last output has been read from the pipe,
          // and ending the channel then drops that output (seen: 'hi' lost 3 times in 20 runs).
          child.on('close', (code, signal) => {
            if (code !== null) channel.exit(code);
            else channel.exit(signal?.replace(/^SIG/, '') ?? 'KILL', false, '');
            channel.end();
          });
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(() => {
    server.close();
  });

  it('runs an argv with every word arriving intact', async () => {
    const ssh = new SshClient(target());
    try {
      const result = await ssh.exec(['printf', '%s\\0', ...WORDS]);
      assert.equal(result.code, 0);
      assert.deepEqual(result.stdout.split('\0').slice(0, -1), WORDS);
    } finally {
      ssh.close();
    }
  });

  it('returns exit codes and stderr, and reuses the connection for concurrent commands', async () => {
    const ssh = new SshClient(target());
    try {
      const [a, b] = await Promise.all([ssh.exec(['sh', '-c', 'echo oops >&2; exit 3']), ssh.exec(['echo', 'hi'])]);
      assert.deepEqual(a, { code: 3, stdout: '', stderr: 'oops\n' });
      assert.deepEqual(b, { code: 0, stdout: 'hi\n', stderr: '' });
    } finally {
      ssh.close();
    }
  });

  it('times out a command that runs too long', async () => {
    const ssh = new SshClient(target());
    try {
      await assert.rejects(ssh.exec(['sleep', '5'], { timeoutMs: 300 }), SshExecTimeoutError);
      // The connection is still usable afterwards.
      assert.equal((await ssh.exec(['echo', 'still here'])).stdout, 'still here\n');
    } finally {
      ssh.close();
    }
  });

  it('refuses a server whose host key is not the pinned one', async () => {
    const ssh = new SshClient(target({ hostKey: publicKeyBlob(otherHostKey.public) }));
    await assert.rejects(ssh.exec(['true']), (error: unknown) => {
      assert.ok(error instanceof SshHostKeyMismatchError);
      assert.match(error.message, /^SSH server 127\.0\.0\.1:\d+ presented host key SHA256:\S+, expected SHA256:\S+: refused$/);
      return true;
    });
  });

  it('reconnects after close()', async () => {
    const ssh = new SshClient(target());
    try {
      assert.equal((await ssh.exec(['echo', '1'])).stdout, '1\n');
      ssh.close();
      assert.equal((await ssh.exec(['echo', '2'])).stdout, '2\n');
    } finally {
      ssh.close();
    }
  });

  it('streams output as it comes, runs in a folder, feeds stdin, and signals a command that ran too long', async () => {
    const ssh = new SshClient(target(), { defaultTimeoutMs: Infinity });
    try {
      const chunks: string[] = [];
      const code = await ssh.stream(['sh', '-c', 'pwd; echo err >&2; exit 4'], { cwd: '/tmp', onOutput: (b, from) => chunks.push(`${from}:${b.toString()}`) });
      assert.equal(code, 4);
      assert.deepEqual(chunks.sort(), ['stderr:err\n', 'stdout:/tmp\n']);
      const fed = await ssh.exec(['sha256sum'], { stdin: Readable.from([Buffer.from('lab bytes')]) });
      assert.equal(fed.stdout, `${createHash('sha256').update('lab bytes').digest('hex')}  -\n`);
      const started = Date.now();
      await assert.rejects(ssh.exec(['sleep', '5'], { timeoutMs: 300, killSignal: 'TERM' }), /command timed out after 300 ms: 'sleep' '5'/);
      assert.ok(Date.now() - started < 3_000);
    } finally {
      ssh.close();
    }
  });

  it('stops a command whose output passes maxOutputBytes, keeping the first bytes and saying so', async () => {
    const runner = new SshClient(target());
    try {
      const started = Date.now();
      // What a hostile or broken NUT does: print without end.
      const r = await runner.exec(['sh', '-c', 'while :; do echo flood flood flood flood flood; echo err >&2; done'], { maxOutputBytes: 1 << 20, timeoutMs: 60_000 });
      assert.equal(r.cutAtBytes, 1 << 20);
      assert.equal(Buffer.byteLength(r.stdout) + Buffer.byteLength(r.stderr), 1 << 20, 'exactly the cap, stdout and stderr together');
      assert.match(r.stdout, /^flood flood/);
      assert.ok(Date.now() - started < 20_000, 'stopped at the cap, not at the timeout');
      const small = await runner.exec(['echo', 'hi'], { maxOutputBytes: 1 << 20 });
      assert.deepEqual(small, { code: 0, stdout: 'hi\n', stderr: '' });
    } finally {
      runner.close();
    }
  });
});
