// How each IPsec case must FAIL: against which misbehaviour of the fake IPsec NUT, with a reason that
// names what went wrong. Test numbers are matched with and without `-udp`; the tests check that every
// IPsec case of the catalogue that can run has at least one entry here.
import type { IpsecMisbehaviour } from './fake-ipsec-nut.js';

export interface IpsecExpectation {
  bad: IpsecMisbehaviour;
  /** Test numbers (`5.1.5-a`, `6.2.3`); each runs as ICMPv6 and, where the catalogue has it, as UDP. */
  tests: readonly string[];
  reason: RegExp;
}

const ALGORITHMS = ['1', '2', '3', '4', '5', '6', '7', '8'];

export const IPSEC_EXPECTATIONS: readonly IpsecExpectation[] = [
  // The five the issue names.
  {
    bad: { sendInClear: true },
    tests: ['5.1.1', '5.1.2', '5.1.3', '5.1.4', '5.1.5-a', '5.1.5-b', '5.1.6', '5.1.7', '5.1.8', '5.1.9', '5.1.10', '5.1.11', ...ALGORITHMS.map((n) => `5.2.${n}`), '5.3.1', '5.3.2', '5.3.3', '5.3.4', '5.3.5', '5.3.6'],
    reason: /in the clear \(.*\), though the SPD says to protect it/,
  },
  {
    bad: { sendInClear: true },
    tests: ['6.1.1', '6.1.2', '6.1.3', '6.1.4', '6.1.6', '6.1.10', '6.1.14', ...ALGORITHMS.map((n) => `6.2.${n}`)],
    reason: /forwarded in the clear \(.*\), though the SPD says to protect it/,
  },
  { bad: { acceptBadIcv: true }, tests: ['5.1.11'], reason: /expected the request with an invalid ICV discarded; seen ESP SPI 0x00002000 .* in answer/ },
  { bad: { acceptBadIcv: true }, tests: ['6.1.13'], reason: /expected the packet with an invalid ICV discarded; seen .* forwarded to HOST1/ },
  { bad: { acceptReplay: true }, tests: ['5.1.3'], reason: /expected the replayed ESP sequence number 2 discarded .*; seen ESP SPI 0x00002000 .* in answer/ },
  { bad: { acceptReplay: true }, tests: ['6.1.4'], reason: /expected the replayed ESP sequence number 1 discarded .*; seen .* forwarded to HOST1/ },
  { bad: { answerUnknownSpi: true }, tests: ['5.1.10'], reason: /expected the request on the unknown SPI 0x9000 discarded; seen ESP SPI 0x00002000 .* in answer/ },
  { bad: { answerUnknownSpi: true }, tests: ['6.1.12'], reason: /expected the packet on the unknown SPI 0x9000 discarded; seen .* forwarded to HOST1/ },
  { bad: { ignoreBypass: true }, tests: ['5.1.6'], reason: /to HOST2 in the clear \(the bypass policy\); seen nothing on Link0/ },
  { bad: { ignoreBypass: true }, tests: ['6.1.8'], reason: /from HOST4_NET4 in the clear forwarded to HOST1 \(the bypass policy\); seen nothing on Link0/ },
  { bad: { ignoreDiscard: true }, tests: ['5.1.7'], reason: /expected HOST2's clear request discarded \(the discard policy\); seen .* in answer/ },
  { bad: { ignoreDiscard: true }, tests: ['6.1.9'], reason: /expected HOST4_NET4's clear request discarded \(the discard policy\); seen .* forwarded to HOST1/ },
  // What each of the others checks.
  { bad: { ignoreUpperSelectors: true }, tests: ['5.1.2', '6.1.2'], reason: /the SA for type 129; seen ESP on SPI 0x00002000, not on SA 0x00004000/ },
  { bad: { oneSaForAll: true }, tests: ['5.1.1', '5.3.3', '6.1.3'], reason: /SA 0x00004000; seen ESP on SPI 0x00002000, not on SA 0x00004000/ },
  { bad: { oneSaForAll: true }, tests: ['6.1.1'], reason: /in SGW2's tunnel on SA 0x00004000; seen ESP SPI 0x00002000 3ffe:501:ffff:1::f > 3ffe:501:ffff:2::d carrying/ },
  { bad: { seqNotIncremented: true }, tests: ['5.1.3', '6.1.4'], reason: /with sequence number 2; seen ESP on SPI 0x00002000 that a receiver drops: replay: sequence number 1 is duplicate/ },
  { bad: { ignorePacketTooBig: true }, tests: ['5.1.4', '5.3.6'], reason: /cut into two fragments .*; seen an unfragmented packet of \d+ octets: ESP SPI 0x00002000/ },
  { bad: { ignorePacketTooBig: true }, tests: ['6.1.6'], reason: /expected a Packet Too Big from the NUT to HOST1 .*; seen nothing on Link0; ESP SPI 0x00002000/ },
  { bad: { noPacketTooBig: true }, tests: ['6.1.5', '6.1.6'], reason: /expected a Packet Too Big from the NUT to HOST1 .* too big for the tunnel; seen nothing on Link0; nothing on Link1/ },
  { bad: { dummyBreaksSa: true }, tests: ['5.1.5-a', '5.1.5-b'], reason: /expected the dummy packet dropped and .* to the next request \(ESP sequence number 3\); seen nothing on Link0/ },
  { bad: { dummyBreaksSa: true }, tests: ['6.1.7-a', '6.1.7-b'], reason: /expected the dummy dropped and .* forwarded to HOST1; seen nothing on Link0; nothing on Link1/ },
  { bad: { forwardDummy: true }, tests: ['6.1.7-a', '6.1.7-b'], reason: /expected the dummy packet dropped without a trace on either link; seen 3ffe:501:ffff:2::d > 3ffe:501:ffff::1: no-next-header/ },
  { bad: { rejectLongPadding: true }, tests: ['5.1.8', '5.3.4', '6.1.10'], reason: /Pad Length 255.*; seen nothing on Link0/ },
  { bad: { rejectTfc: true }, tests: ['5.1.9', '5.3.5', '6.1.11'], reason: /TFC padding.*; seen nothing on Link0/ },
  { bad: { keepTfc: true }, tests: ['6.1.11'], reason: /forwarded to HOST1 without the TFC padding; seen .* \(payload length 30, sent 22\)/ },
  { bad: { tunnelAsTransport: true }, tests: ['5.3.1'], reason: /seen ESP on SPI 0x00002000 in transport mode, though the SA is in tunnel mode/ },
  { bad: { tunnelAsTransport: true }, tests: ['5.3.2', '6.1.14'], reason: /seen ESP SPI 0x00002000 \S+ > \S+ \(the SPI of the SA \S+ > \S+\) carrying/ },
  { bad: { wrongOutKey: true }, tests: ALGORITHMS.filter((n) => n !== '3').flatMap((n) => [`5.2.${n}`, `6.2.${n}`]), reason: /seen ESP on SPI 0x00002000 that a receiver drops: esp: ICV does not match/ },
  // Without integrity nothing catches the wrong key but what decrypts: garbage, read whichever way its last octets say.
  { bad: { wrongOutKey: true }, tests: ['5.2.3', '6.2.3'], reason: /seen ESP on SPI 0x00002000 (that a receiver drops: esp: pad length \d+ exceeds|in \w+ mode, though the SA is in \w+ mode|carrying .*, not )/ },
];

/** The cases TAHI's own script refuses for their application (`This test must run by using ...`): always NA. */
export const ALWAYS_NA = ['IPsec.5.1.2-udp', 'IPsec.5.1.9', 'IPsec.6.1.2-udp'];
