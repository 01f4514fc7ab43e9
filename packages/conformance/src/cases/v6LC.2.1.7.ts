// v6LC.2.1.7 Invalid Neighbor Solicitation Handling (RFC 4861 §7.1.1): an NS that fails validation is
// silently discarded. Part D: hop limit below 255 (it may have crossed a router); Part E: bad checksum.
import { solicitedNodeMulticast, multicastMac, normalizeIpv6, type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../engine/case.js';
import type { CaseContext } from '../engine/context.js';
import { ANSWER_WINDOW_MS, TN1 } from './common.js';

const RFC = 'RFC 4861 §7.1.1';

async function invalidNsIgnored(ctx: CaseContext, what: string, spoil: (spec: FrameSpec) => FrameSpec) {
  const nut = ctx.nutOn();
  const tn1 = ctx.node({ ...TN1, mac: '00:00:00:00:01:07' });
  const target = solicitedNodeMulticast(nut.linkLocal);
  const ns: FrameSpec = {
    eth: { src: tn1.mac, dst: multicastMac(target) },
    ipv6: { src: tn1.address, dst: target, hopLimit: 255 },
    icmpv6: { type: 'neighbor-solicitation', target: nut.linkLocal, options: [{ type: 'source-lla', mac: tn1.mac }] },
  };
  const isNa = (f: import('@testlab/packet').DecodedFrame) =>
    f.icmpv6?.type === 'neighbor-advertisement' && normalizeIpv6(f.icmpv6.target) === nut.linkLocal;
  await ctx.link().send(spoil(ns), `invalid: ${what}`);
  const answered = await ctx.link().expectNothing(isNa, ANSWER_WINDOW_MS);
  if (answered) return fail(RFC, `a Neighbor Solicitation with ${what} silently discarded`, 'a Neighbor Advertisement in answer');
  // The same solicitation, valid, must be answered: otherwise silence proves nothing.
  await ctx.link().send(ns, 'control: the same solicitation, valid');
  if (!(await ctx.link().expect(isNa, ANSWER_WINDOW_MS))) {
    return fail('RFC 4861 §7.2.4', 'a Neighbor Advertisement for a valid solicitation (control)', ctx.link().seenSinceSend());
  }
  return pass(`solicitation with ${what} ignored; the valid one answered`);
}

export const nsInvalidHopLimit: CaseDefinition = {
  id: 'v6LC.2.1.7-D',
  title: 'Invalid Neighbor Solicitation Handling: Part D: Invalid Hop Limit',
  rfc: RFC,
  appliesTo: ['host', 'router', 'ipsec-end-node', 'security-gateway'],
  run: (ctx) => invalidNsIgnored(ctx, 'hop limit 254', (s) => ({ ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } })),
};

export const nsInvalidChecksum: CaseDefinition = {
  id: 'v6LC.2.1.7-E',
  title: 'Invalid Neighbor Solicitation Handling: Part E: Invalid Checksum',
  rfc: RFC,
  appliesTo: ['host', 'router', 'ipsec-end-node', 'security-gateway'],
  run: (ctx) => invalidNsIgnored(ctx, 'a wrong ICMPv6 checksum', (s) => ({ ...s, icmpv6: { ...s.icmpv6!, checksum: 0x0bad } })),
};
