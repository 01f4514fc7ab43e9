// `node apps/web/dist/src/main.js` as an operator types it: --help answers, a wrong option is named, and
// neither ends in a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.js');
const web = (...args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, TESTLAB_HOME: mkdtempSync(path.join(os.tmpdir(), 'testlab-web-cli-')) } });

test('--help prints the usage and exits 0', () => {
  for (const flag of ['--help', '-h']) {
    const r = web(flag);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage: testlab-web \[--config labd\.yaml\] \[--host H\] \[--port P\] \[--public-url URL\]/);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
  }
});

test('an unknown option or a bad value is named, exit 2, no stack trace', () => {
  const unknown = web('--bogus');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^testlab-web: unknown option '--bogus' \(see --help\)\n$/);
  const port = web('--port', 'eighty');
  assert.equal(port.status, 2);
  assert.match(port.stderr, /^testlab-web: --port must be 0\.\.65535, got "eighty"\n$/);
  const missing = web('--port');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^testlab-web: option '--port <value>' argument missing/);
});

test('--workers 2: two processes serve the port, and SIGTERM ends them and the primary', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [main, '--port', '0', '--workers', '2'], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TESTLAB_HOME: mkdtempSync(path.join(os.tmpdir(), 'testlab-web-cli-')) },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if ((out.match(/dashboard listening/g) ?? []).length >= 2) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before two workers listened: ${out}`)));
  });
  const t0 = Date.now();
  child.kill('SIGTERM');
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  assert.deepEqual([code, signal], [0, null]);
  assert.ok(Date.now() - t0 < 20_000, 'it ended promptly');
});
