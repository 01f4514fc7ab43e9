// The router test set end to end on Linux 6.1: a QEMU NUT with two test links put into router mode
// (forwarding, 3ffe:501:ffff:100::1/64 and :101::1/64, radvd on Link0), its cases run on a pool of NUTs,
// fresh NUTs booted for the DAD cases, every case judged, and the radvd-backed case passing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../src/lab-paths.js';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');

test('phase2-router on Linux 6.1: router mode with radvd, every case judged, fresh NUTs for DAD', { timeout: 30 * 60_000 }, async () => {
  const env = { ...process.env, TESTLAB_HOME: await mkdtemp(path.join(tmpdir(), 'testlab-router-')) };
  await run(process.execPath, [cli, 'run', '--source', '/usr/src/linux-source-6.1.tar.xz', '--testset', 'phase2-router'], { env, maxBuffer: 256 << 20 });
  const runs = JSON.parse((await run(process.execPath, [cli, 'runs', '--json'], { env })).stdout) as Array<{ id: number }>;
  const shown = JSON.parse((await run(process.execPath, [cli, 'show', String(runs[0]!.id), '--json'], { env, maxBuffer: 256 << 20 })).stdout) as {
    run: { status: string };
    results: Array<{ caseId: string; verdict: string; reason: string; pcaps: string[] }>;
    artifacts: Array<{ kind: string; path: string }>;
  };
  assert.equal(shown.run.status, 'done');
  const listed = (await readFile(path.join(repoRoot, 'testsets/phase2-router.yaml'), 'utf8')).match(/^ {2}- (v6LC\S+)/gm)!.map((l) => l.trim().slice(2));
  assert.deepEqual(shown.results.map((r) => r.caseId), listed);
  for (const r of shown.results) assert.ok(['PASS', 'FAIL', 'WARN', 'NA'].includes(r.verdict), `${r.caseId}: ${r.verdict} ${r.reason}`);
  const ra = shown.results.find((r) => r.caseId === 'v6LC.2.2.5')!;
  assert.equal(ra.verdict, 'PASS', ra.reason);
  assert.match(ra.reason, /3ffe:501:ffff:100::\/64 with L, A/);
  const dad = shown.results.find((r) => r.caseId === 'v6LC.3.1.1')!;
  assert.equal(dad.verdict, 'PASS', dad.reason);
  // Two links: a capture per link for every case.
  assert.ok(shown.results.every((r) => r.verdict === 'NA' || r.pcaps.length === 2), 'a pcap per link');
  // The pool and the fresh NUTs left their console logs as evidence.
  assert.ok(shown.artifacts.filter((a) => a.kind === 'console-log').length > 2, 'console logs of the extra NUTs kept');
});
