// The words that keep a QEMU NUT's clock true (src/qemu/guest-clock.ts): when the host's TSC rate is trusted,
// and how they reach the kernel command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestClockWords, trustedTscKhz, GUEST_CLOCK_WORDS } from '../src/qemu/guest-clock.js';
import { buildKernelCmdline, CmdlineError } from '../src/qemu/cmdline.js';

// The first processor of this lab machine's /proc/cpuinfo (a virtual AMD EPYC host), cut down.
const VIRTUAL_HOST = `processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC
cpu MHz\t\t: 2096.027
flags\t\t: fpu vme de pse tsc msr constant_tsc rep_good nopl xtopology tsc_reliable nonstop_tsc cpuid hypervisor tsc_known_freq

processor\t: 1
cpu MHz\t\t: 1.000
flags\t\t: fpu
`;

test("a virtual host with a constant, known-rate TSC gives its rate; the first processor's lines count", () => {
  assert.equal(trustedTscKhz(VIRTUAL_HOST), 2_096_027);
});

test('no rate without every flag that makes "cpu MHz" the TSC rate, or with a rate out of range', () => {
  for (const flag of ['constant_tsc', 'nonstop_tsc', 'tsc_known_freq', 'hypervisor']) {
    assert.equal(trustedTscKhz(VIRTUAL_HOST.replace(` ${flag}`, '')), undefined, `without ${flag}`);
  }
  assert.equal(trustedTscKhz(VIRTUAL_HOST.replace('2096.027', '2096,027')), undefined);
  assert.equal(trustedTscKhz(VIRTUAL_HOST.replace('2096.027', '12')), undefined);
  assert.equal(trustedTscKhz(VIRTUAL_HOST.replace('cpu MHz\t\t: 2096.027\n', '')), undefined);
  assert.equal(trustedTscKhz(''), undefined);
});

test('the words for a host: always the checks skipped, the rate only when trusted, none when cpuinfo is unreadable', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'guest-clock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'virtual'), VIRTUAL_HOST);
  await writeFile(join(dir, 'metal'), VIRTUAL_HOST.replace(' hypervisor', ''));
  assert.deepEqual(guestClockWords(join(dir, 'virtual')), ['tsc=reliable', 'no_timer_check', 'tsc_early_khz=2096027']);
  assert.deepEqual(guestClockWords(join(dir, 'metal')), [...GUEST_CLOCK_WORDS]);
  assert.deepEqual(guestClockWords(join(dir, 'missing')), [...GUEST_CLOCK_WORDS]);
});

test('the clock words follow quiet on the kernel command line, each checked like any word', () => {
  assert.equal(buildKernelCmdline({ clock: ['tsc=reliable', 'no_timer_check'], hostname: 'qemu-1a2b' }), 'console=ttyS0 panic=-1 quiet tsc=reliable no_timer_check testlab.hostname=qemu-1a2b');
  assert.throws(() => buildKernelCmdline({ clock: ['tsc=reliable init=/bin/sh'] }), CmdlineError);
});
