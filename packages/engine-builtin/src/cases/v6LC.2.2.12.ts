// v6LC.2.2.12 Router Advertisement Processing, Validity (RFC 4861 §6.1.2): a host silently discards an RA
// that fails validation. Each invalid RA carries an autonomous prefix, so processing it would show as DAD
// for a new address.
import type { FrameSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import { casePrefix, raCase, raMustBeIgnored } from '../vocabulary/ra-processing.js';
import { raFromTr1 } from '../vocabulary/router-advertisements.js';

const RFC = 'RFC 4861 §6.1.2';
const TEST = 'Router Advertisement Processing, Validity (Hosts Only)';
type RaIcmp = Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'router-advertisement' }>;

function part(letter: string, n: number, partTitle: string, what: string, spoil: (ra: FrameSpec) => FrameSpec): CaseDefinition {
  const ra = spoil(raFromTr1({ prefixes: [{ prefix: casePrefix(n) }] }));
  return raCase(`v6LC.2.2.12-${letter}`, `${TEST}: Part ${letter}: ${partTitle}`, RFC, (ctx) => raMustBeIgnored(ctx, RFC, what, ra, casePrefix(n + 1)));
}

const icmp = (s: FrameSpec) => s.icmpv6 as RaIcmp;

export const cases: CaseDefinition[] = [
  part('A', 0x2c0, 'Global Source Address', 'a global source address', (s) => ({ ...s, ipv6: { ...s.ipv6!, src: '3ffe:501:ffff:100:200:ff:fe00:a0a0' } })),
  part('B', 0x2c2, 'Hop Limit less than 255', 'hop limit 254', (s) => ({ ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } })),
  part('C', 0x2c4, 'Invalid Checksum', 'a wrong ICMPv6 checksum', (s) => ({ ...s, icmpv6: { ...icmp(s), checksum: 0x0bad } })),
  part('D', 0x2c6, 'Invalid ICMP Code', 'ICMPv6 code 1', (s) => ({ ...s, icmpv6: { ...icmp(s), code: 1 } })),
  // The zero-length option comes last: a NUT that does not validate options sees the prefix first.
  part('F', 0x2ca, 'Option of Length 0', 'an option of length 0', (s) => ({ ...s, icmpv6: { ...icmp(s), options: [...icmp(s).options!, { type: 'other', optionType: 24, body: new Uint8Array(6), length: 0 }] } })),
];
