#!/usr/bin/env node
// Writes the lab config for this machine after infra/main.sh's first run: QEMU NUTs whose known-good kernel
// is the Linux 6.1 the run just built and checked, the local tarball as the lab's kernel, the dashboard on
// loopback with an API token (mode 600). Prints the config's path. Usage:
//   node infra/write-lab-config.mjs <home> <cache> <kernel tarball> <test set>
// The config is validated by the same code labd uses before it is written.
import { copyFile, mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { openSqliteStore } from '@testlab/store-sqlite';
import { parseLabConfig } from '@testlab/lab-config';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [home, cache, tarball, testset] = process.argv.slice(2);
if (!home || !cache || !tarball || !testset) {
  process.stderr.write('usage: write-lab-config.mjs <home> <cache> <kernel tarball> <test set>\n');
  process.exit(2);
}

// The newest finished run of that test set on that tarball: its kernel booted and answered, so it is known good.
const store = openSqliteStore(path.join(home, 'lab.db'));
const label = path.basename(tarball);
const run = (await store.listRuns({ limit: 1000 })).find((r) => r.status === 'done' && r.testset === testset && (r.sourceLabel === label || r.sourceLabel.endsWith(` ${label}`)) && r.kernelVersion);
const bzImage = run && (await store.artifactsOf(run.id)).find((a) => a.kind === 'bzImage');
// What `uname -r` said when the run booted it ("vm-1 runs 6.1.192"): what the NUT checks after a restore.
const boot = run && (await store.stagesOf(run.id)).find((s) => s.stage === 'boot' && s.status === 'done');
const release = / runs (\S+)$/.exec(boot?.detail ?? '')?.[1];
await store.close();
if (!run || !bzImage) {
  process.stderr.write(`write-lab-config: no finished ${testset} run of ${label} with a bzImage in ${home}: run it first\n`);
  process.exit(1);
}

// The known-good kernel is kept in the lab home: the cache may be cleaned, the NUTs must still come back.
const knownGoodDir = path.join(home, 'known-good');
await mkdir(knownGoodDir, { recursive: true });
const knownGood = path.join(knownGoodDir, `bzImage-${run.kernelVersion}`);
await copyFile(bzImage.path, knownGood);

// Reuse the token of an earlier call (a `testlab --token-file` user keeps working); else a new one.
const tokenFile = path.join(home, 'api-token');
const token = (await readFile(tokenFile, 'utf8').catch(() => '')).trim() || randomBytes(32).toString('hex');
await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });

const nuts = os.availableParallelism() >= 4 ? 2 : 1;
const config = {
  home, cache,
  nutImage: path.join(repo, 'var/nut-image/initramfs.gz'),
  testsets: { dir: path.join(repo, 'testsets'), run: [testset] },
  shutdownGraceSeconds: 30,
  profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repo, 'infra/kernel/qemu-nut.config') } },
  nuts: Array.from({ length: nuts }, (_, i) => ({
    name: `vm-${i + 1}`, driver: 'qemu', profile: 'qemu', modes: ['host'],
    knownGood: { bzImage: knownGood, kernelRelease: release ?? run.kernelVersion },
  })),
  // The lab's first kernel, so its queue knows it: labd finds the run above in the store (same build, test
  // set, NUT kind and setup) and settles the jobs from it instead of running the set a second time.
  kernels: [{ version: run.kernelVersion, source: tarball }],
  web: { host: '127.0.0.1', port: Number(process.env.TESTLAB_WEB_PORT || 8080), tokenFile },
  // On a small machine the NUTs share few cores with the tester and QEMU's own threads, and a case bound to a
  // kernel timer (reassembly, ND retransmissions) can miss its window once: a newly failing case is run once
  // more on a fresh NUT before the lab calls it a regression (and mails about it); passing then, it is flaky.
  // One rerun costs a NUT boot and the case, only for cases that newly fail.
  diff: { reruns: 1 },
};
const file = path.join(home, 'labd.yaml');
const text = `# Written by infra/main.sh for this machine (${os.hostname()}); see infra/labd/labd.example.yaml for every setting.\n${stringify(config)}`;
parseLabConfig(text, file);
await writeFile(`${file}.tmp`, text);
await rename(`${file}.tmp`, file);
process.stdout.write(`${file}\n`);
