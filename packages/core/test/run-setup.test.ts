// The setup digest: what a run tested besides its build. Equal setups give equal digests whatever order
// their objects were built in and wherever their files were read from; what changes a run changes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSetupDigest, type TestSet } from '../src/index.js';

const set: TestSet = {
  name: 'phase2-host', title: 'Phase-2 host', mode: 'host', engine: 'builtin', engineSection: { radvd: undefined }, links: 1,
  sysctls: { 'net.ipv6.conf.all.forwarding': '0', 'net.ipv6.conf.all.accept_ra': '1' }, cases: ['v6LC.1.1.1', 'v6LC.1.1.2'],
  index: [], kernelConfig: { origin: '/repo/testsets/phase2-host.config', text: 'CONFIG_IPV6=y\n' },
};

test('the same setup, however built, has the same digest; titles and file origins do not count', () => {
  const d = runSetupDigest(set);
  assert.match(d, /^sha256:[0-9a-f]{64}$/);
  const reordered: TestSet = { ...set, sysctls: { 'net.ipv6.conf.all.accept_ra': '1', 'net.ipv6.conf.all.forwarding': '0' }, engineSection: {} };
  assert.equal(runSetupDigest(reordered, { cmdline: [], sysctls: {} }), d);
  assert.equal(runSetupDigest({ ...set, title: 'renamed', kernelConfig: { origin: '/elsewhere', text: 'CONFIG_IPV6=y\n' } }), d);
});

test('cases, sysctls, the fragment, extra boot words and extra sysctls each make another setup', () => {
  const d = runSetupDigest(set);
  const others = [
    runSetupDigest({ ...set, cases: ['v6LC.1.1.1'] }),
    runSetupDigest({ ...set, cases: ['v6LC.1.1.2', 'v6LC.1.1.1'] }),
    runSetupDigest({ ...set, sysctls: { ...set.sysctls, 'net.ipv6.conf.all.accept_ra': '0' } }),
    runSetupDigest({ ...set, kernelConfig: { origin: 'x', text: 'CONFIG_IPV6=m\n' } }),
    runSetupDigest({ ...set, name: 'phase2-router' }),
    runSetupDigest(set, { cmdline: ['ipv6.disable=0'] }),
    runSetupDigest(set, { sysctls: { 'net.ipv6.conf.all.forwarding': '1' } }),
  ];
  for (const o of others) assert.notEqual(o, d);
  assert.equal(new Set(others).size, others.length);
});
