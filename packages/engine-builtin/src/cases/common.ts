// What many cases share: TAHI's tester node on Link0, Echo exchanges, and the "is the NUT still there?"
// control that separates "the NUT ignored it" (the behaviour under test) from "the NUT is gone" (ERROR).
import type { DecodedFrame } from '@testlab/packet';
import { normalizeIpv6 } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';

/** TAHI's TN1 on Link0 (tn.def): a made-up MAC whose EUI-64 link-local is fe80::200:ff:fe00:100. */
export const TN1 = { name: 'TN1', mac: '00:00:00:00:01:00' } as const;

/** How long a live NUT takes at most to answer on an idle link, resolution of the tester included. */
export const ANSWER_WINDOW_MS = 3_000;

export function isEchoReply(f: DecodedFrame, to: string, id: number, seq: number): boolean {
  return f.icmpv6?.type === 'echo-reply' && f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst) === normalizeIpv6(to) && f.icmpv6.id === id && f.icmpv6.seq === seq;
}

/** Sends a well-formed Echo Request from `tn` to the NUT's link-local address; true if it is answered. */
export async function nutAnswersEcho(ctx: CaseContext, tn: SimulatedNode, seq: number): Promise<boolean> {
  const nut = ctx.nutOn();
  const link = ctx.link();
  const id = 0xc0de;
  await link.send(
    { eth: { src: tn.mac, dst: nut.mac }, ipv6: { src: tn.address, dst: nut.linkLocal }, icmpv6: { type: 'echo-request', id, seq, data: new Uint8Array(16) } },
    'control: is the NUT alive and reachable?',
  );
  return (await link.expect((f) => isEchoReply(f, tn.address, id, seq), ANSWER_WINDOW_MS)) !== undefined;
}

/** A payload whose bytes show where they came from in a capture. */
export function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i & 0xff);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Every NUT mode: the tests every IPv6 node must pass. */
export const ALL_MODES = ['host', 'router', 'ipsec-end-node', 'security-gateway'] as const;

/** TAHI's TR1 on Link0, the router the tester plays for host NUTs (RA sender, default router). */
export const TR1 = { name: 'TR1', mac: '00:00:00:00:a0:a0' } as const;

/** TAHI's global prefixes: Link0 and Link1 of a router NUT; hosts learn the Link0 one from TR1's RA. */
export const LINK0_PREFIX = '3ffe:501:ffff:100::';
export const LINK1_PREFIX = '3ffe:501:ffff:101::';
/** An off-link network behind TR1 (TAHI's "off-link" nodes). */
export const OFF_LINK_PREFIX = '3ffe:501:ffff:109::';

/** IPv6 minimum link MTU (RFC 8200 §5) and the Ethernet MTU of the test links. */
export const MIN_MTU = 1280;
export const ETHERNET_MTU = 1500;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A tester node with its own MAC (and so its own EUI-64 address): distinct peers keep ICMPv6 rate limits and PMTU state apart. */
export function tnWithMac(name: string, lastBytes: number): { name: string; mac: string } {
  const hi = (lastBytes >> 8) & 0xff;
  const lo = lastBytes & 0xff;
  return { name, mac: `00:00:00:00:${hi.toString(16).padStart(2, '0')}:${lo.toString(16).padStart(2, '0')}` };
}
