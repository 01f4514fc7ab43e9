// A deliberately simple IPv6 node written for the tests: it answers like a conforming NUT unless told to
// misbehave in one way, so each case is shown to FAIL for the right reason. It is not a stand-in for the
// kernel in end-to-end tests (those boot a real Linux); it answers straight to the sender's MAC.
import type { Link } from '@testlab/core';
import { buildFrame, decodeFrame, linkLocalFromMac, normalizeIpv6, type DecodedFrame, type FrameSpec } from '@testlab/packet';

export interface Misbehaviour {
  noEchoReply?: boolean;
  ignoreMulticastEcho?: boolean;
  multicastReplySource?: boolean;
  corruptEchoData?: boolean;
  acceptAnyVersion?: boolean;
  noParameterProblem?: boolean;
  wrongPointer?: boolean;
  answerUnknownInformational?: boolean;
  acceptNsAnyHopLimit?: boolean;
  acceptNsBadChecksum?: boolean;
  noNeighborAdvertisement?: boolean;
}

export const FAKE_NUT_MAC = '52:54:00:00:00:01';

/** Two ends of an in-memory link: what one sends, the other receives (asynchronously, as on a wire). */
export function linkPair(): [Link, Link] {
  const listeners: [Set<(f: Uint8Array, at: number) => void>, Set<(f: Uint8Array, at: number) => void>] = [new Set(), new Set()];
  const end = (mine: 0 | 1): Link => ({
    name: 'Link0',
    async send(frame) {
      const copy = frame.slice();
      setImmediate(() => {
        for (const l of listeners[mine === 0 ? 1 : 0]) l(copy, Date.now());
      });
    },
    onFrame(l) {
      listeners[mine].add(l);
      return () => listeners[mine].delete(l);
    },
    async close() {
      listeners[mine].clear();
    },
  });
  return [end(0), end(1)];
}

export function startFakeNut(link: Link, bad: Misbehaviour = {}): () => void {
  const mac = FAKE_NUT_MAC;
  const me = normalizeIpv6(linkLocalFromMac(mac));
  const reply = (f: DecodedFrame, spec: Omit<FrameSpec, 'eth'>) => void link.send(buildFrame({ eth: { src: mac, dst: f.eth!.src }, ...spec }));
  return link.onFrame((bytes) => {
    const f = decodeFrame(bytes);
    if (!f.ipv6 || !f.eth) return;
    if (f.ipv6.version !== 6 && !bad.acceptAnyVersion) return;
    const dst = normalizeIpv6(f.ipv6.dst);
    const m = f.icmpv6;
    if (m?.type === 'neighbor-solicitation' && normalizeIpv6(m.target) === me) {
      if (bad.noNeighborAdvertisement) return;
      if (f.ipv6.hopLimit !== 255 && !bad.acceptNsAnyHopLimit) return;
      if (!m.checksumOk && !bad.acceptNsBadChecksum) return;
      reply(f, { ipv6: { src: me, dst: f.ipv6.src, hopLimit: 255 }, icmpv6: { type: 'neighbor-advertisement', target: me, solicited: true, override: true, options: [{ type: 'target-lla', mac }] } });
      return;
    }
    if (m?.type === 'echo-request' && (dst === me || dst === 'ff02::1')) {
      if (bad.noEchoReply || (dst === 'ff02::1' && bad.ignoreMulticastEcho)) return;
      const data = bad.corruptEchoData ? m.data.map((b) => b ^ 0xff) : m.data;
      const src = dst === 'ff02::1' && bad.multicastReplySource ? 'ff02::1' : me;
      reply(f, { ipv6: { src, dst: f.ipv6.src }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data } });
      return;
    }
    if (m?.type === 'other' && m.icmpType >= 128 && bad.answerUnknownInformational) {
      reply(f, { ipv6: { src: me, dst: f.ipv6.src }, icmpv6: { type: 'parameter-problem', code: 1, pointer: 40, invoking: bytes.subarray(14) } });
      return;
    }
    const known = [58, 17, 6, 59];
    if (dst === me && f.upperLayerProtocol !== undefined && !known.includes(f.upperLayerProtocol) && !bad.noParameterProblem) {
      reply(f, { ipv6: { src: me, dst: f.ipv6.src }, icmpv6: { type: 'parameter-problem', code: 1, pointer: bad.wrongPointer ? 0 : 6, invoking: bytes.subarray(14) } });
    }
  });
}
