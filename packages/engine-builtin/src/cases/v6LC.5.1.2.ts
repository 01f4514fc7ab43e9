// v6LC.5.1.2 Replying to Echo Requests (RFC 4443 §4.2), parts A (to the link-local address) and C (to
// all-nodes, where the reply must come from a unicast address of the receiving interface).
import { isMulticastIpv6, normalizeIpv6, multicastMac } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { pattern } from '../vocabulary/payload.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 4443 §4.2';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export const echoToLinkLocal: CaseDefinition = {
  id: 'v6LC.5.1.2-A',
  title: 'Replying to Echo Requests: Part A: Request sent to Link-Local address',
  rfc: RFC,
  appliesTo: ['host', 'router', 'ipsec-end-node', 'security-gateway'],
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const data = pattern(64);
    await ctx.link().send({
      eth: { src: tn1.mac, dst: nut.mac },
      ipv6: { src: tn1.address, dst: nut.linkLocal },
      icmpv6: { type: 'echo-request', id: 0x5121, seq: 1, data },
    });
    const reply = await ctx.link().expect((f) => f.icmpv6?.type === 'echo-reply' && f.ipv6?.dst === tn1.address, ANSWER_WINDOW_MS);
    if (!reply) return fail(RFC, `an Echo Reply from ${nut.linkLocal} to TN1 within ${ANSWER_WINDOW_MS} ms`, ctx.link().seenSinceSend());
    const m = reply.frame.icmpv6;
    if (m?.type !== 'echo-reply') throw new Error('unreachable');
    const problems: string[] = [];
    if (normalizeIpv6(reply.frame.ipv6!.src) !== nut.linkLocal) problems.push(`source ${reply.frame.ipv6!.src}, not the address the request went to`);
    if (m.id !== 0x5121 || m.seq !== 1) problems.push(`id/seq ${m.id}/${m.seq}, not 20769/1`);
    if (!sameBytes(m.data, data)) problems.push(`data of ${m.data.length} bytes differing from the ${data.length} sent`);
    if (!m.checksumOk) problems.push('a wrong ICMPv6 checksum');
    if (problems.length) return fail(RFC, 'an Echo Reply echoing identifier, sequence number and data', `a reply with ${problems.join(', ')}`);
    return pass('Echo Reply from the link-local address with identifier, sequence number and data echoed');
  },
};

export const echoToAllNodes: CaseDefinition = {
  id: 'v6LC.5.1.2-C',
  title: 'Replying to Echo Requests: Part C: Request sent to multicast address - All Nodes Addresses',
  rfc: RFC,
  appliesTo: ['host', 'router', 'ipsec-end-node', 'security-gateway'],
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    await ctx.link().send({
      eth: { src: tn1.mac, dst: multicastMac('ff02::1') },
      ipv6: { src: tn1.address, dst: 'ff02::1' },
      icmpv6: { type: 'echo-request', id: 0x5123, seq: 1, data: pattern(32) },
    });
    const reply = await ctx.link().expect((f) => f.icmpv6?.type === 'echo-reply' && f.ipv6?.dst === tn1.address, ANSWER_WINDOW_MS);
    if (!reply) return fail(RFC, `an Echo Reply to TN1 from a unicast address of the NUT within ${ANSWER_WINDOW_MS} ms`, ctx.link().seenSinceSend());
    const src = reply.frame.ipv6!.src;
    if (isMulticastIpv6(src) || src === '::') return fail(RFC, 'an Echo Reply whose source is a unicast address of the receiving interface', `source ${src}`);
    return pass(`Echo Reply from the unicast address ${src}`);
  },
};
