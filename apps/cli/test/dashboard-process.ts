// The real dashboard (apps/web/dist/src/main.js, started as a program: apps do not import apps) serving a
// lab home on loopback, and the real `testlab` binary: what the CLI tests that compare the local store's
// answers with a lab's API start.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
const webMain = fileURLToPath(new URL('../../../web/dist/src/main.js', import.meta.url));

export interface Dashboard {
  url: string;
  stop(): Promise<void>;
}

/** `config`: a lab config (labd.yaml) to serve, with the APIs it enables (a token file: POST /api/runs, /api/bisections). */
export async function startDashboard(home: string, options: { config?: string } = {}): Promise<Dashboard> {
  assert.ok(existsSync(webMain), `${webMain} missing: build the whole repository first (npx tsc -b)`);
  const args = [webMain, '--port', '0', ...(options.config !== undefined ? ['--config', options.config] : [])];
  const web: ChildProcess = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', TESTLAB_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  // The dashboard logs (pino, one JSON object a line) the address it listens on.
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    web.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    web.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    web.once('exit', (code) => reject(new Error(`the dashboard exited (${code}) before listening: ${err}${out}`)));
    setTimeout(() => reject(new Error(`the dashboard did not listen within 20 s: ${err}${out}`)), 20_000).unref();
  });
  return {
    url,
    stop: async () => {
      if (web.exitCode !== null) return;
      const exited = new Promise((resolve) => web.once('exit', resolve));
      web.kill('SIGTERM');
      await exited;
    },
  };
}

export function testlab(home: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env: { PATH: process.env.PATH ?? '', TESTLAB_HOME: home, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
