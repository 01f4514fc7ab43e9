// An SA pair as IPsec_Self_Test_P2 sets one up (SA-I toward the NUT, SA-O from it, each with its SPD
// entry): the tester's copies of both SAs and the NUT's `ip xfrm` view of them, from one plan.
import { InboundSa, type IpsecMode, type SecurityAssociation } from '@testlab/ipsec';
import { DES3_SHA1, saOf, type Algorithms } from './ipsec-algorithms.js';
import type { NutPolicy, NutState } from './ipsec-nut.js';

export interface PairPlan {
  mode: IpsecMode;
  /** The NUT's end of the SAs (its address; the tunnel endpoint in tunnel mode). */
  nut: string;
  /** The other end: the host itself in transport mode, the gateway (or host) ending the tunnel otherwise. */
  peer: string;
  /** What the SPD entries select on the NUT's side and on the peer's side (an address or a prefix). */
  nutSelector: string;
  peerSelector: string;
  algorithms?: Algorithms;
  /** SPI toward the NUT and from it; TAHI's first pair is 0x1000 / 0x2000. */
  spiIn: number;
  spiOut: number;
  /** The SA-I's reqid; the SA-O's is one more. */
  reqid: number;
  /** Select only ICMPv6 of a type (and code 0) on each side: 5.1.2 and 6.1.2. */
  icmpIn?: number;
  icmpOut?: number;
}

export interface SaPair {
  /** The tester sends with it; the NUT receives on it. */
  toNut: SecurityAssociation;
  /** The NUT sends on it; the tester judges what comes with a fresh replay window and counter. */
  fromNut: InboundSa;
  states: NutState[];
  policies: NutPolicy[];
}

export function saPair(p: PairPlan): SaPair {
  const algorithms = p.algorithms ?? DES3_SHA1;
  const toNut = saOf({ spi: p.spiIn, mode: p.mode, src: p.peer, dst: p.nut, algorithms, direction: 'in' });
  const fromNut = saOf({ spi: p.spiOut, mode: p.mode, src: p.nut, dst: p.peer, algorithms, direction: 'out' });
  const inState: NutState = { sa: toNut, reqid: p.reqid };
  const outState: NutState = { sa: fromNut, reqid: p.reqid + 1 };
  const icmp = (type: number | undefined) => (type === undefined ? {} : { icmp: { type, code: 0 } });
  return {
    toNut,
    // The NUT's SA as the tester judges it; encoding the same SA elsewhere would share the counters.
    fromNut: new InboundSa(saOf({ spi: p.spiOut, mode: p.mode, src: p.nut, dst: p.peer, algorithms, direction: 'out' })),
    states: [inState, outState],
    policies: [
      { dir: 'in', src: p.peerSelector, dst: p.nutSelector, action: 'protect', via: inState, ...icmp(p.icmpIn) },
      { dir: 'out', src: p.nutSelector, dst: p.peerSelector, action: 'protect', via: outState, ...icmp(p.icmpOut) },
    ],
  };
}

/** Everything of several pairs at once, for setNutIpsec. */
export function allOf(pairs: readonly SaPair[]): { states: NutState[]; policies: NutPolicy[] } {
  return { states: pairs.flatMap((p) => p.states), policies: pairs.flatMap((p) => p.policies) };
}
