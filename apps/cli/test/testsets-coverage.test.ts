// `testlab testsets coverage`: per set and INDEX group, implemented out of total, missing ids listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../src/lab-paths.js';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');

test('coverage prints every Phase-1/2 set with per-group counts and missing ids', async () => {
  const { stdout } = await run(process.execPath, [cli, 'testsets', 'coverage']);
  for (const set of ['phase1-host', 'phase1-router', 'phase2-host', 'phase2-router']) assert.match(stdout, new RegExp(`^${set}: \\d+/\\d+ implemented$`, 'm'));
  assert.match(stdout, /^ {2}v6LC\.3\.1\.x: 26\/26 implemented$/m);
  // A set that leaves ids of its INDEX files out gets them listed under their group.
  const testsets = await mkdtemp(path.join(tmpdir(), 'testsets-'));
  await cp(path.join(repoRoot, 'testsets'), testsets, { recursive: true });
  const file = path.join(testsets, 'phase2-host.yaml');
  const yaml = await readFile(file, 'utf8');
  const total = (yaml.match(/^ {2}- v6LC\.2\.1\./gm) ?? []).length;
  await writeFile(file, yaml.replace(/^ {2}- v6LC\.2\.1\.1-[AB] .*\n/gm, ''));
  const trimmed = (await run(process.execPath, [cli, 'testsets', 'coverage', '--testset', 'phase2-host'], { env: { ...process.env, TESTLAB_TESTSETS: testsets } })).stdout;
  assert.match(trimmed, new RegExp(`^ {2}v6LC\\.2\\.1\\.x: ${total - 2}/\\d+ implemented\n {4}missing: v6LC\\.2\\.1\\.1-A v6LC\\.2\\.1\\.1-B$`, 'm'));
});

test('--json gives the same counts for scripts; an unknown set is an error naming the known ones', async () => {
  const { stdout } = await run(process.execPath, [cli, 'testsets', 'coverage', '--testset', 'phase2-router', '--json']);
  const [set] = JSON.parse(stdout) as Array<{ testset: string; total: number; implemented: number; groups: Array<{ group: string; implemented: string[]; missing: string[] }> }>;
  assert.equal(set?.testset, 'phase2-router');
  assert.ok(set.groups.find((g) => g.group === 'v6LC.2.2.x')?.implemented.includes('v6LC.2.2.5'));
  assert.equal(set.implemented, set.groups.reduce((n, g) => n + g.implemented.length, 0));
  await assert.rejects(run(process.execPath, [cli, 'testsets', 'coverage', '--testset', 'nope']), /not found \(known test sets: .*phase2-host/);
});
