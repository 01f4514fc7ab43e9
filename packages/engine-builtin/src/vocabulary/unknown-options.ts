// Options in Hop-by-Hop and Destination Options headers (RFC 8200 §4.2): option types no node knows, with
// each action the two high-order bits ask for, and the table of parts v6LC.1.2.6 and v6LC.1.2.8 share.
import type { Ipv6OptionSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import { echoBehind, optionOutcome, type OptionOutcome } from './extension-headers.js';
import { ALL_MODES } from './nut-modes.js';

// Option types no IPv6 node knows (RFC 3692-style experimental low bits), with each action in the two
// high-order bits (RFC 8200 §4.2): 00 skip, 01 discard, 10 discard + Parameter Problem, 11 discard + Parameter
// Problem unless the destination is multicast.
export const UNKNOWN_OPTION = { '00': 0x1e, '01': 0x5e, '10': 0x9e, '11': 0xde } as const;
export type Bits = keyof typeof UNKNOWN_OPTION;

export interface OptionPart {
  part: string;
  partTitle: string;
  options: Ipv6OptionSpec[];
  multicast?: boolean;
  outcome: OptionOutcome;
  what: string;
}

export const unknown = (bits: Bits): Ipv6OptionSpec => ({ type: UNKNOWN_OPTION[bits], data: Uint8Array.of(0, 0, 0, 0) });

/** Parts A..H of v6LC.1.2.6 (Hop-by-Hop) and v6LC.1.2.8 (Destination Options): the same table. */
export const OPTION_PARTS: OptionPart[] = [
  { part: 'A', partTitle: 'Pad1 Option', options: Array.from({ length: 6 }, () => ({ type: 0 })), outcome: 'reply', what: 'six Pad1 options' },
  { part: 'B', partTitle: 'PadN Option', options: [{ type: 1, data: new Uint8Array(4) }], outcome: 'reply', what: 'a PadN option' },
  { part: 'C', partTitle: 'Most Significant Bits 00b', options: [unknown('00')], outcome: 'reply', what: 'an unknown option of type 0x1e (00b: skip)' },
  { part: 'D', partTitle: 'Most Significant Bits 01b', options: [unknown('01')], outcome: 'silence', what: 'an unknown option of type 0x5e (01b: discard)' },
  { part: 'E', partTitle: 'Most Significant Bits 10b, unicast destination', options: [unknown('10')], outcome: { pointer: 42 }, what: 'an unknown option of type 0x9e (10b)' },
  { part: 'F', partTitle: 'Most Significant Bits 11b, unicast destination', options: [unknown('11')], outcome: { pointer: 42 }, what: 'an unknown option of type 0xde (11b)' },
  { part: 'G', partTitle: 'Most Significant Bits 10b, multicast destination', options: [unknown('10')], multicast: true, outcome: { pointer: 42 }, what: 'an unknown option of type 0x9e (10b) to all-nodes' },
  { part: 'H', partTitle: 'Most Significant Bits 11b, multicast destination', options: [unknown('11')], multicast: true, outcome: 'silence', what: 'an unknown option of type 0xde (11b) to all-nodes' },
];

export function optionCase(header: 'hop-by-hop' | 'destination-options', id: string, title: string, p: OptionPart): CaseDefinition {
  const rfc = 'RFC 8200 §4.2';
  return {
    id: `${id}-${p.part}`,
    title: `${title}: Part ${p.part}: ${p.partTitle}`,
    rfc,
    appliesTo: ALL_MODES,
    run: (ctx) => optionOutcome(ctx, echoBehind(ctx, [{ type: header, options: p.options }], p.multicast), p.outcome, rfc, `${p.what} in a ${header === 'hop-by-hop' ? 'Hop-by-Hop' : 'Destination'} Options header`),
  };
}
