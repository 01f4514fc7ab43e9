// The pool's reset between cases: what an earlier case left on the NUT's test links (an RA's prefix route, an
// autoconfigured address) is removed and named in the next case's log; what the NUT had when the pool took it stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BootedNut, ExecResult } from '@testlab/core';
import { recordBaseState, restoreBaseState } from '../src/base-state.js';

/** A NUT whose iproute2 answers from the lists given, recording every command. */
function scriptedNut(state: { routes: object[]; addresses: object[] }, failing: RegExp | undefined = undefined) {
  const commands: string[] = [];
  const nut = {
    links: [{ name: 'Link0', nutIfname: 'eth1' }],
    async exec(argv: string[]): Promise<ExecResult> {
      const line = argv.join(' ');
      commands.push(line);
      if (failing?.test(line)) return { code: 2, stdout: '', stderr: 'RTNETLINK answers: Operation not permitted' };
      if (line.includes(' -j -6 route show dev eth1')) return { code: 0, stdout: JSON.stringify(state.routes), stderr: '' };
      if (line.includes(' -j -6 addr show dev eth1 scope global')) return { code: 0, stdout: JSON.stringify([{ ifname: 'eth1', addr_info: state.addresses }]), stderr: '' };
      return { code: 0, stdout: '', stderr: '' };
    },
  } as unknown as BootedNut;
  return { nut, commands };
}

const linkLocal = { dst: 'fe80::/64', protocol: 'kernel', metric: 256 };
const radvdPrefix = { dst: '3ffe:501:ffff:100::/64', protocol: 'kernel', metric: 256 };

test('routes and global addresses an earlier case left are removed and logged; the base ones stay', async () => {
  const state = { routes: [linkLocal, radvdPrefix], addresses: [{ family: 'inet6', local: '3ffe:501:ffff:100::1', prefixlen: 64 }] };
  const { nut, commands } = scriptedNut(state);
  const base = await recordBaseState(nut);
  // A SLAAC case's leftovers: an on-link /48 (which made an off-link node on-link for a later case), an RA's
  // default route and an autoconfigured address.
  state.routes.push({ dst: '3ffe:501:ffff::/48', protocol: 'kernel', metric: 256 }, { dst: 'default', gateway: 'fe80::200:ff:fe00:a0a0', protocol: 'ra', metric: 1024 } as never);
  state.addresses.push({ family: 'inet6', local: '3ffe:501:ffff:3fc:5054:ff:fe00:1', prefixlen: 64 });
  commands.length = 0;
  const log: string[] = [];
  await restoreBaseState(nut, base, (l) => log.push(l));
  const changes = commands.filter((c) => / (del|flush) /.test(c));
  assert.deepEqual(changes, [
    '/usr/sbin/ip -6 route flush cache',
    '/usr/sbin/ip -6 addr del 3ffe:501:ffff:3fc:5054:ff:fe00:1/64 dev eth1',
    '/usr/sbin/ip -6 route del 3ffe:501:ffff::/48 dev eth1 metric 256',
    '/usr/sbin/ip -6 route del default via fe80::200:ff:fe00:a0a0 dev eth1 metric 1024',
  ]);
  assert.equal(log.length, 3);
  assert.match(log[1]!, /removing the route 3ffe:501:ffff::\/48 .* on eth1, left by an earlier case on this NUT/);
});

test('nothing left behind: only the route cache is flushed, nothing logged', async () => {
  const { nut, commands } = scriptedNut({ routes: [linkLocal], addresses: [] });
  const base = await recordBaseState(nut);
  commands.length = 0;
  const log: string[] = [];
  await restoreBaseState(nut, base, (l) => log.push(l));
  assert.deepEqual(commands.filter((c) => / (del|flush) /.test(c)), ['/usr/sbin/ip -6 route flush cache']);
  assert.deepEqual(log, []);
});

test('a reset the NUT refuses is an error naming the command, not a case run on unknown state', async () => {
  const { nut } = scriptedNut({ routes: [linkLocal], addresses: [] }, /flush cache/);
  const base = await recordBaseState(nut);
  await assert.rejects(restoreBaseState(nut, base, () => undefined), /could not restore the NUT's base state: .*route flush cache: RTNETLINK answers: Operation not permitted/);
});

test('a listing that is not JSON is refused with what came', async () => {
  const nut = { links: [{ name: 'Link0', nutIfname: 'eth1' }], exec: async () => ({ code: 0, stdout: 'default via fe80::1 dev eth1', stderr: '' }) } as unknown as BootedNut;
  await assert.rejects(recordBaseState(nut), /route show dev eth1: expected a JSON list, got default via fe80::1 dev eth1/);
});
