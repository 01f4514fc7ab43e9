// labd runs each test set on its own engine and refuses at start what could never run: a tahi set without
// a tester file, a kselftest set without its root fs or with an SSH machine that could take its runs,
// cases the set's own engine lacks. Builtin sets alone are checked against the builtin catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KernelBuilder, TestSet } from '@testlab/core';
import { ConfigError, parseLabConfig } from '@testlab/lab-config';
import { loadTestSet } from '@testlab/testsets';
import { stringify } from 'yaml';
import { openLabEngines } from '../src/lab-engines.js';
import { labdMain, repoRoot } from './lab-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-labd-engines-'));
const refusingBuilder: KernelBuilder = { build: async () => assert.fail('no build at start') };
const sshKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMYD2LU4KlIQBoGBE/1RTccdlNLFbcvgvpNT43vLTKFw box-1';

function config(run: string[], extra: Record<string, unknown> = {}, sshNut = false) {
  return {
    home: path.join(dir, 'home'), cache: path.join(dir, 'cache'), nutImage: path.join(dir, 'initramfs.gz'),
    testsets: { dir: path.join(repoRoot, 'testsets'), run },
    profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config') } },
    nuts: [
      { name: 'vm-1', driver: 'qemu', profile: 'qemu', modes: ['host'], knownGood: { bzImage: '/k/bzImage', kernelRelease: '6.1.0' } },
      ...(sshNut
        ? [{ name: 'box-1', driver: 'ssh', profile: 'qemu', modes: ['host'], ssh: { host: 'box-1', privateKey: '/k/key', hostKey: sshKey }, install: ['true'], oneTimeBoot: { method: 'kexec' }, knownGoodRelease: '6.1.0' }]
        : []),
    ],
    ...extra,
  };
}

async function open(run: string[], extra: Record<string, unknown> = {}, sshNut = false) {
  const cfg = parseLabConfig(stringify(config(run, extra, sshNut)), 'labd.yaml');
  const sets = new Map<string, TestSet>();
  for (const name of run) sets.set(name, await loadTestSet(cfg.testsets.dir, name));
  return { cfg, sets, engines: () => openLabEngines(cfg, sets, refusingBuilder) };
}

async function problems(run: string[], extra: Record<string, unknown> = {}, sshNut = false): Promise<string[]> {
  const error = await (await open(run, extra, sshNut)).engines().then(() => assert.fail('labd would have started'), (e: unknown) => e);
  assert.ok(error instanceof ConfigError, String(error));
  return error.problems;
}

test('a builtin set starts; a kselftest set without its root fs and a tahi set without a tester are refused together', async () => {
  await (await open(['phase2-host'])).engines();
  const found = await problems(['phase2-host', 'kselftest-net-ipv6', 'tahi-phase1-host']);
  assert.equal(found.length, 2, found.join('\n'));
  assert.match(found[0]!, new RegExp(`${path.join(dir, 'cache/nut-rootfs/rootfs.cpio.gz').replace(/[./]/g, '\\$&')} does not exist: build it with .bash infra/nut-rootfs/build.sh`));
  assert.match(found[1]!, /test set tahi-phase1-host runs on TAHI: set tahi\.testerFile in the lab config to a file describing the tester host/);
});

test('nutRootfs names the root fs; with it the kselftest set starts, unless an SSH machine could take its runs', async () => {
  const rootfs = path.join(dir, 'rootfs.cpio.gz');
  writeFileSync(rootfs, '');
  await (await open(['kselftest-net-ipv6'], { nutRootfs: rootfs })).engines();
  const found = await problems(['kselftest-net-ipv6'], { nutRootfs: rootfs }, true);
  assert.deepEqual(found, ['test set kselftest-net-ipv6 (engine kselftest) boots its own NUT image, which only QEMU NUTs can: NUT box-1 is an SSH machine offering mode host']);
  // A builtin set on the same SSH machine is fine.
  await (await open(['phase2-host'], {}, true)).engines();
});

test('a tester file that is not valid is refused with its own file, line and key', async () => {
  const tester = path.join(dir, 'tester.yaml');
  writeFileSync(tester, 'tester:\n  host: tahi\n');
  const found = await problems(['tahi-phase1-host'], { tahi: { testerFile: tester } });
  assert.ok(found.some((p) => p.includes(`TAHI tester file ${tester}`) && p.includes(`${tester}:2: tester.user`)), found.join('\n'));
});

test('the real labd refuses to start, naming the problem, and boots no NUT', async () => {
  const file = path.join(dir, 'labd.yaml');
  writeFileSync(file, stringify(config(['tahi-phase1-host'])));
  const r = await promisify(execFile)(process.execPath, [labdMain, '--config', file], { timeout: 60_000 }).then(
    () => assert.fail('labd started'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /tahi-phase1-host runs on TAHI: set tahi\.testerFile in the lab config/);
});
