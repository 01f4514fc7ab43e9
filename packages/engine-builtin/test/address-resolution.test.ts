// answerSolicitations: a tester node answers the NUT's Neighbor Solicitations for its address, with the Router
// flag when it plays a router: without it a host must take the router off its Default Router List
// (RFC 4861 §7.2.5), which made Linux stop replying through TR1 in v6LC.2.2.14-A.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, linkLocalFromMac, multicastMac, normalizeIpv6, solicitedNodeMulticast } from '@testlab/packet';
import { pass, type CaseDefinition } from '../src/runner/case.js';
import { answerSolicitations } from '../src/vocabulary/address-resolution.js';
import { ND_TR1 } from '../src/vocabulary/tester-nodes.js';
import { fakeNodeBasics } from './fake-node-basics.js';
import { runCaseOnFake } from './run-on-fake.js';

const NUT_MAC = '52:54:00:00:00:01';

/** The NA flags TR1 answers a solicitation with, `asRouter` or not. */
async function answerTo(asRouter: boolean | undefined): Promise<{ router: boolean; solicited: boolean; override: boolean }> {
  let seen: { router: boolean; solicited: boolean; override: boolean } | undefined;
  const def: CaseDefinition = {
    id: 'test.answer-solicitations',
    title: 'TR1 answers a solicitation',
    rfc: 'RFC 4861 §7.2.4',
    appliesTo: ['host'],
    async run(ctx) {
      const stop = answerSolicitations(ctx, ND_TR1, asRouter === undefined ? {} : { router: asRouter });
      await new Promise((r) => setTimeout(r, 300));
      stop();
      return pass('answered');
    },
  };
  await runCaseOnFake(def, {
    mode: 'host',
    macs: [NUT_MAC],
    start: ([link]) => {
      const node = fakeNodeBasics(link!);
      const ll = linkLocalFromMac(NUT_MAC);
      node.listen((bytes) => {
        const m = decodeFrame(bytes).icmpv6;
        if (m?.type === 'neighbor-advertisement' && normalizeIpv6(m.target) === normalizeIpv6(ND_TR1.address)) seen = { router: m.router, solicited: m.solicited, override: m.override };
      });
      const group = solicitedNodeMulticast(ND_TR1.address);
      node.later(50, () => node.send({ eth: { src: NUT_MAC, dst: multicastMac(group) }, ipv6: { src: ll, dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: ND_TR1.address, options: [{ type: 'source-lla', mac: NUT_MAC }] } }));
      return { exec: async () => ({ code: 0, stdout: '', stderr: '' }), stop: () => node.stop() };
    },
  });
  assert.ok(seen, 'TR1 answered the solicitation');
  return seen;
}

test('a router answers with the Router flag, a host without; both solicited and overriding', async () => {
  assert.deepEqual(await answerTo(true), { router: true, solicited: true, override: true });
  assert.deepEqual(await answerTo(undefined), { router: false, solicited: true, override: true });
});
