// v6LC.2.2.4 Router Ignores Invalid Router Solicitations (RFC 4861 §6.1.1, §6.2.6): a router silently
// discards an RS that fails validation and sends no Router Advertisement for it; a valid RS from the same
// source is answered (the control). On Linux the RS reaches radvd through a raw ICMPv6 socket: the kernel
// checks the checksum (rawv6_rcv), radvd the rest (process.c process/process_rs).
import type { FrameSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { advertiseAsSet, rsIgnored } from '../vocabulary/ra-answers.js';
import { rsFrom } from '../vocabulary/router-solicitations.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 4861 §6.1.1';
const TEST = 'Router Ignores Invalid Router Solicitations (Routers Only)';
type RsIcmp = Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'router-solicitation' }>;

function part(letter: string, partTitle: string, what: string, valid: FrameSpec, spoil: (rs: FrameSpec) => FrameSpec): CaseDefinition {
  return {
    id: `v6LC.2.2.4-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ['router', 'security-gateway'],
    timeoutMs: 45_000,
    async run(ctx) {
      const { clock } = await advertiseAsSet(ctx);
      const failed = await rsIgnored(ctx, clock, spoil(valid), what, valid, RFC);
      return failed ?? pass(`no RA for an RS with ${what}; the valid RS was answered`);
    },
  };
}

const fromTn1 = rsFrom(ND_TN1);
// TAHI's Part A sends its RS from the unspecified address, without an SLLA.
const fromUnspecified = rsFrom(ND_TN1, { unspecified: true });
const icmp = (s: FrameSpec) => s.icmpv6 as RsIcmp;

export const cases: CaseDefinition[] = [
  part('A', 'Hop Limit is not 255', 'hop limit 254', fromUnspecified, (s) => ({ ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } })),
  part('B', 'ICMPv6 checksum is not valid', 'a wrong ICMPv6 checksum', fromTn1, (s) => ({ ...s, icmpv6: { ...icmp(s), checksum: 0x0bad } })),
  part('C', 'ICMPv6 code is not 0', 'ICMPv6 code 1', fromTn1, (s) => ({ ...s, icmpv6: { ...icmp(s), code: 1 } })),
  // 6 bytes of ICMPv6: type, code, checksum and half the Reserved field.
  part('D', 'ICMPv6 length is less than 8 Octets', 'an ICMPv6 length of 6', fromTn1, (s) => ({ ...s, icmpv6: { type: 'other', icmpType: 133, body: new Uint8Array(2) } })),
  part('E', 'Option has length 0', 'an option of length 0', fromTn1, (s) => ({ ...s, icmpv6: { ...icmp(s), options: [{ type: 'source-lla', mac: ND_TN1.mac, length: 0 }] } })),
  part('F', 'Unspecified IP source address and a source link-layer address option', 'an unspecified source and an SLLA option', fromUnspecified, (s) => ({ ...s, icmpv6: { ...icmp(s), options: [{ type: 'source-lla', mac: ND_TN1.mac }] } })),
];
