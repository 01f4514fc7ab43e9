// Router mode's radvd.conf and its checks; the setup itself runs on a real NUT in apps/cli/test/router.e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BootedNut, ExecResult } from '@testlab/core';
import { bootIntoMode, radvdConfig, routerAddress } from '../src/index.js';

const links = [
  { name: 'Link0', nutMac: '52:54:00:00:00:01', nutIfname: 'eth1', endpoint: { kind: 'udp-ethernet' as const, testerPort: 1, nutPort: 2 } },
  { name: 'Link1', nutMac: '52:54:00:00:01:01', nutIfname: 'eth2', endpoint: { kind: 'udp-ethernet' as const, testerPort: 3, nutPort: 4 } },
];

test('radvd advertises the TAHI prefix of each named link, with RFC 4861 intervals', () => {
  const conf = radvdConfig({ links }, { links: ['Link0'], minIntervalS: 200, maxIntervalS: 600 });
  assert.match(conf, /^interface eth1 \{\n {2}AdvSendAdvert on;\n {2}AdvRASolicitedUnicast off;\n {2}MinRtrAdvInterval 200;\n {2}MaxRtrAdvInterval 600;\n {2}prefix 3ffe:501:ffff:100::\/64 \{/);
  assert.match(conf, /AdvValidLifetime 2592000;\n {4}AdvPreferredLifetime 604800;/);
  assert.doesNotMatch(conf, /eth2/);
  assert.deepEqual(routerAddress(1), { address: '3ffe:501:ffff:101::1', prefix: '3ffe:501:ffff:101::' });
  assert.throws(() => radvdConfig({ links }, { links: ['Link0'], minIntervalS: 500, maxIntervalS: 600 }), /RFC 4861 §6\.2\.1/);
  assert.throws(() => radvdConfig({ links }, { links: ['Link3'], minIntervalS: 3, maxIntervalS: 10 }), /the NUT has no Link3/);
});

/** A NUT that records commands and answers from a script; nothing else runs. */
function scriptedNut(answer: (argv: string[]) => ExecResult): BootedNut & { commands: string[][] } {
  const commands: string[][] = [];
  return {
    name: 'scripted', kernelRelease: 'x', links, consoleLog: '/dev/null', commands,
    exec: async (argv) => (commands.push(argv), answer(argv)),
    shutdown: async () => undefined,
  };
}

test('router setup adds both addresses and starts radvd from a file passed as an argument; a host gets nothing', async () => {
  const ok = { code: 0, stdout: '', stderr: '' };
  const nut = scriptedNut((argv) => (argv[0] === 'cat' ? { ...ok, stdout: '1\n' } : ok));
  await bootIntoMode(nut, 'router', { radvd: { links: ['Link0'], minIntervalS: 200, maxIntervalS: 600 } });
  const lines = nut.commands.map((c) => c.join(' '));
  assert.ok(lines.includes('/usr/sbin/ip -6 addr add 3ffe:501:ffff:100::1/64 dev eth1 nodad'));
  assert.ok(lines.includes('/usr/sbin/ip -6 addr add 3ffe:501:ffff:101::1/64 dev eth2 nodad'));
  const write = nut.commands.find((c) => c[0] === 'sh' && c[2]?.includes('/etc/radvd.conf'))!;
  assert.equal(write[2], 'printf "%s" "$1" > /etc/radvd.conf', 'the config is data ($1), not script text');
  assert.match(write[4]!, /interface eth1/);
  assert.ok(lines.some((l) => l.startsWith('/usr/sbin/radvd -C /etc/radvd.conf')));
  const host = scriptedNut(() => ok);
  assert.deepEqual(await bootIntoMode(host, 'host'), []);
  assert.equal(host.commands.length, 0);
});

test('a router NUT without forwarding, or whose radvd dies, is refused with the reason', async () => {
  const ok = { code: 0, stdout: '', stderr: '' };
  await assert.rejects(bootIntoMode(scriptedNut((a) => (a[0] === 'cat' ? { ...ok, stdout: '0\n' } : ok)), 'router'), /needs net\.ipv6\.conf\.all\.forwarding=1.*has 0/);
  const dying = scriptedNut((a) => {
    if (a[0] === 'cat' && a[1] === '/run/radvd.log') return { ...ok, stdout: 'unable to lock pid file: Function not implemented\n' };
    if (a[0] === 'cat') return { ...ok, stdout: '1\n' };
    if (a[0] === 'sh' && a[2]?.startsWith('kill -0')) return { code: 1, stdout: '', stderr: '' };
    return ok;
  });
  await assert.rejects(bootIntoMode(dying, 'router', { radvd: { links: ['Link0'], minIntervalS: 200, maxIntervalS: 600 } }), /radvd did not stay up on scripted: unable to lock pid file/);
});
