#!/usr/bin/env node
// How true the QEMU NUTs' clocks run: boots N NUTs at once (as the pool does) with a built kernel, optionally
// beside a kernel build, then samples each NUT's clocks every 5 s against the host's and prints their rates
// (1.00 = real time): `up` is /proc/uptime (the guest's clocksource), `jif` its tick count (/proc/stat, the
// jiffies its timers run on), and each NUT's clocksource with the boot's clock messages. A NUT whose rate is
// far from 1 fires every timer early or late for its whole life. Run it under the machine-wide QEMU lock:
//
//   flock /work/wt/qemu.lock node infra/bench/nut-clocks.mjs --kernel <bzImage> [--nuts 8] [--seconds 10]
//       [--rounds 3] [--load-build <kernel tree>] [--guest-clock default|none|<word,word,...>]
//
// --guest-clock: the clock words on the NUT's kernel command line: the driver's own (default, see
//   packages/nut-drivers/src/qemu/guest-clock.ts), none, or the words given.
// --load-build <tree>: a kernel build (`make -j2 defconfig vmlinux`, again and again) of an unpacked tree,
//   out of tree in a temp folder, for the whole benchmark.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBuildLoad } from './build-load.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { createQemuNutDriver, readBzImageRelease } = await import(path.join(repo, 'packages/nut-drivers/dist/src/index.js'));
const { silentProgress } = await import(path.join(repo, 'packages/core/dist/src/index.js'));

function parseArgs(argv) {
  const o = { kernel: undefined, nuts: 8, seconds: 10, rounds: 3, loadBuild: undefined, guestClock: 'default' };
  const count = (flag, v, min, max) => {
    if (!/^\d+$/.test(v ?? '') || Number(v) < min || Number(v) > max) throw new Error(`${flag} takes a whole number ${min}-${max}, not ${JSON.stringify(v)}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kernel') o.kernel = path.resolve(argv[++i] ?? '');
    else if (a === '--nuts') o.nuts = count(a, argv[++i], 1, 16);
    else if (a === '--seconds') o.seconds = count(a, argv[++i], 5, 600);
    else if (a === '--rounds') o.rounds = count(a, argv[++i], 1, 20);
    else if (a === '--load-build') o.loadBuild = path.resolve(argv[++i] ?? '');
    else if (a === '--guest-clock') o.guestClock = argv[++i] ?? '';
    else throw new Error(`unexpected argument ${JSON.stringify(a)}`);
  }
  if (!o.kernel) throw new Error('usage: nut-clocks.mjs --kernel <bzImage> [--nuts N] [--seconds S] [--rounds R] [--load-build <tree>] [--guest-clock default|none|<words>]');
  return o;
}

/** The NUT's uptime (ms) and tick count (USER_HZ 100: 10 ms a tick), with the host's time halfway through the read. */
async function sample(nut) {
  const before = Date.now();
  const out = (await nut.exec(['sh', '-c', 'cat /proc/uptime; head -1 /proc/stat'])).stdout;
  const at = (before + Date.now()) / 2;
  const upMs = Number(out.split(/\s/)[0]) * 1000;
  const cpu = /^cpu\s+(.*)$/m.exec(out)?.[1]?.trim().split(/\s+/).slice(0, 8).map(Number) ?? [];
  return { at, upMs, tickMs: cpu.reduce((a, b) => a + b, 0) * 10 };
}

let o;
try {
  o = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`nut-clocks: ${e.message}`);
  process.exit(2);
}
const home = await mkdtemp(path.join(tmpdir(), 'testlab-nut-clocks-'));
const stopLoad = o.loadBuild ? startBuildLoad(o.loadBuild, path.join(home, 'build-load')) : () => undefined;
process.on('exit', stopLoad);
const guestClock = o.guestClock === 'default' ? undefined : o.guestClock === 'none' ? [] : o.guestClock.split(',');
const driver = createQemuNutDriver({ stateDir: path.join(home, 'state'), baseInitramfs: path.join(repo, 'var/nut-image/initramfs.gz'), ...(guestClock ? { guestClock } : {}) });
const kernel = { bzImage: o.kernel, kernelRelease: await readBzImageRelease(o.kernel) };
console.log(`${o.nuts} NUTs at once, ${o.rounds} rounds, ${o.loadBuild ? `beside a kernel build of ${o.loadBuild}` : 'no added load'}; guest clock words: ${guestClock ? guestClock.join(' ') || 'none' : 'the driver\'s'}`);
let far = 0;
try {
  for (let round = 1; round <= o.rounds; round++) {
    const started = Date.now();
    const nuts = await Promise.all(Array.from({ length: o.nuts }, (_, i) => driver.boot({ kernel, links: 1, consoleLog: path.join(home, `r${round}-nut${i}.log`), deadlineMs: 180_000 }, silentProgress)));
    console.log(`round ${round}: ${o.nuts} NUTs up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    try {
      for (const [i, nut] of nuts.entries()) {
        const source = (await nut.exec(['cat', '/sys/devices/system/clocksource/clocksource0/current_clocksource'])).stdout.trim();
        const msgs = (await nut.exec(['sh', '-c', 'dmesg | grep -E "unstable|APIC timer disabled|TSC calibration failed"'])).stdout.trim().split('\n').filter(Boolean);
        console.log(`  nut${i}: clocksource ${source}${msgs.length ? `; ${msgs.map((m) => m.replace(/^\[[^\]]*\]\s*/, '')).join('; ')}` : ''}`);
      }
      const base = await Promise.all(nuts.map(sample));
      await new Promise((r) => setTimeout(r, o.seconds * 1000));
      const end = await Promise.all(nuts.map(sample));
      const rates = end.map((s, i) => ({ up: (s.upMs - base[i].upMs) / (s.at - base[i].at), jif: (s.tickMs - base[i].tickMs) / (s.at - base[i].at) }));
      far += rates.filter((r) => Math.abs(r.up - 1) > 0.1 || Math.abs(r.jif - 1) > 0.1).length;
      console.log(`  rates over ${o.seconds} s: ${rates.map((r, i) => `nut${i} up ${r.up.toFixed(2)} jif ${r.jif.toFixed(2)}`).join(' | ')}`);
    } finally {
      await Promise.all(nuts.map((n) => n.shutdown()));
    }
  }
} finally {
  stopLoad();
  await rm(home, { recursive: true, force: true });
}
console.log(`${far} of ${o.nuts * o.rounds} NUTs with a clock more than 10% from real time`);
