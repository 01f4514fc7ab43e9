// v6LC.5.1.2 Replying to Echo Requests (RFC 4443 §4.2): an Echo Request to the link-local (A) or global (B)
// address is answered from that address (A: identifier, sequence number and data echoed); one to all-nodes (C)
// from a unicast address of the receiving interface; the unspecified (E) and loopback (F) addresses are never
// destinations (RFC 4291 §2.5.2, §2.5.3), so no Echo Reply (only that decides, as in the Ready Logo test); one
// to all-routers (D, routers) from a unicast address; one to a site-local address (G) from that address.
import { isMulticastIpv6, multicastMac, normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { echoRequest, isEchoReply, nutAnswersEcho } from '../vocabulary/echo.js';
import { globalPeers } from '../vocabulary/global-address.js';
import { ALL_MODES, ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { cleanupPrefix, nutSlaac, raConfigures, raFromTr1 } from '../vocabulary/router-advertisements.js';
import { pattern } from '../vocabulary/payload.js';
import { describeAnswer, expectEchoReply, isAnswer } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4443 §4.2';
const ECHO_ID = 0x5100;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const echoToLinkLocal: CaseDefinition = {
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

const echoToGlobal: CaseDefinition = {
  id: 'v6LC.5.1.2-B',
  title: 'Replying to Echo Requests: Part B: Request sent to global address',
  rfc: 'RFC 4443 §4.2',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const { from, nut } = await globalPeers(ctx, 0x2b);
    const rfc = 'RFC 4443 §4.2';
    const failed = await expectEchoReply(ctx, echoRequest(from, { mac: ctx.nutOn().mac, address: nut }, ECHO_ID, 1), from.address, ECHO_ID, 1, { rfc, what: `an Echo Request to the global address ${nut}` });
    if (failed) return failed;
    // §4.2: the reply's source is the address the request was sent to.
    const reply = await ctx.link().expect((f) => isEchoReply(f, from.address, ECHO_ID, 1), 0);
    const src = normalizeIpv6(reply!.frame.ipv6!.src);
    if (src !== nut) return fail(rfc, `the Echo Reply from ${nut}, the address the request was sent to`, `it from ${src}`);
    return pass(`Echo Reply from the global address ${nut}`);
  },
};

const echoToAllNodes: CaseDefinition = {
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

/** Part D (routers): an Echo Request to all-routers (ff02::2) is answered from a unicast address of Link0. */
const echoToAllRouters: CaseDefinition = {
  id: 'v6LC.5.1.2-D',
  title: 'Replying to Echo Requests: Part D: Request sent to multicast address - All Routers Addresses (Routers Only)',
  rfc: RFC,
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const tn1 = ctx.node(TN1);
    await ctx.link().send({ eth: { src: tn1.mac, dst: multicastMac('ff02::2') }, ipv6: { src: tn1.address, dst: 'ff02::2' }, icmpv6: { type: 'echo-request', id: 0x5124, seq: 1, data: pattern(32) } }, 'an Echo Request to all-routers');
    const reply = await ctx.link().expect((f) => isEchoReply(f, tn1.address, 0x5124, 1), ANSWER_WINDOW_MS);
    if (!reply) return fail(RFC, `an Echo Reply to TN1 from a unicast address of the NUT within ${ANSWER_WINDOW_MS} ms`, ctx.link().seenSinceSend());
    const src = normalizeIpv6(reply.frame.ipv6!.src);
    if (isMulticastIpv6(src) || src === '::') return fail(RFC, 'an Echo Reply whose source is a unicast address of the receiving interface', `source ${src}`);
    return pass(`Echo Reply to the all-routers request from ${src}`);
  },
};

function notAnswered(part: 'E' | 'F', partTitle: string, address: string, rfc: string): CaseDefinition {
  return {
    id: `v6LC.5.1.2-${part}`,
    title: `Replying to Echo Requests: Part ${part}: ${partTitle}`,
    rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const tn1 = ctx.node(TN1);
      const what = `an Echo Request to ${address}`;
      await ctx.link().send(echoRequest(tn1, { mac: ctx.nutOn().mac, address }, ECHO_ID, 1), what);
      const answers = await ctx.link().collect(isAnswer(tn1.address), ANSWER_WINDOW_MS);
      // The Ready Logo test judges the Echo Reply alone: it must not come. Whatever else the NUT sent about
      // the packet is reported in the reason, not the verdict.
      const reply = answers.find((r) => r.frame.icmpv6?.type === 'echo-reply');
      if (reply) return fail(rfc, `${what} not answered (the address is never a destination)`, 'an Echo Reply');
      if (!(await nutAnswersEcho(ctx, tn1, 0x7e57))) return fail('RFC 4443 §4.2', 'an Echo Reply to the control Echo Request (silence alone proves nothing)', ctx.link().seenSinceSend());
      const other = answers.map((r) => describeAnswer(r));
      return pass(`${what} was not answered with an Echo Reply${other.length ? ` (the NUT sent ${other.join(', ')} about it)` : ''}`);
    },
  };
}

const echoToUnspecified = notAnswered('E', 'Request sent to unspecified address', '::', 'RFC 4291 §2.5.2');
const echoToLoopback = notAnswered('F', 'Request sent to loopback address', '::1', 'RFC 4291 §2.5.3');

/**
 * Part G: an Echo Request from TN1's link-local address to a site-local address of the NUT (fec0::/64: a
 * host autoconfigures it from TR1's Router Advertisement, a router is given it, as TAHI's Echo_Sitelocal
 * does) is answered from that address.
 */
const echoToSiteLocal: CaseDefinition = {
  id: 'v6LC.5.1.2-G',
  title: 'Replying to Echo Requests: Part G: Request sent to Site-Local address',
  rfc: RFC,
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const siteLocal = nutSlaac(ctx, SITE_LOCAL_PREFIX);
    cleanupPrefix(ctx, SITE_LOCAL_PREFIX);
    if (ctx.mode === 'router') {
      // iproute2's ip: busybox's, first on the NUT's PATH, knows no `nodad`.
      await ctx.nutCommand(['/usr/sbin/ip', '-6', 'addr', 'add', `${siteLocal}/64`, 'dev', nut.ifname, 'nodad']);
    } else if (!(await raConfigures(ctx, raFromTr1({ prefixes: [{ prefix: SITE_LOCAL_PREFIX }] }), SITE_LOCAL_PREFIX, `TR1 advertises ${SITE_LOCAL_PREFIX}/64`))) {
      throw new Error(`setup: the NUT did not start DAD for ${siteLocal} after TR1's Router Advertisement of ${SITE_LOCAL_PREFIX}/64`);
    }
    await sleep(2_000); // DAD of the site-local address (one probe, RetransTimer)
    const failed = await expectEchoReply(ctx, echoRequest(tn1, { mac: nut.mac, address: siteLocal }, ECHO_ID, 7), tn1.address, ECHO_ID, 7, { rfc: RFC, what: `an Echo Request to the site-local address ${siteLocal}` });
    if (failed) return failed;
    const reply = await ctx.link().expect((f) => isEchoReply(f, tn1.address, ECHO_ID, 7), 0);
    const src = normalizeIpv6(reply!.frame.ipv6!.src);
    if (src !== siteLocal) return fail(RFC, `the Echo Reply from ${siteLocal}, the address the request was sent to`, `it from ${src}`);
    if (reply!.frame.icmpv6?.type === 'echo-reply' && !reply!.frame.icmpv6.checksumOk) return fail(RFC, 'the Echo Reply with a valid checksum', 'a wrong ICMPv6 checksum');
    return pass(`Echo Reply from the site-local address ${siteLocal}`);
  },
};

const SITE_LOCAL_PREFIX = 'fec0::';

export const cases: CaseDefinition[] = [echoToLinkLocal, echoToGlobal, echoToAllNodes, echoToAllRouters, echoToUnspecified, echoToLoopback, echoToSiteLocal];
