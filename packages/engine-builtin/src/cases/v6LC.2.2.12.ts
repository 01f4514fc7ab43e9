// v6LC.2.2.12 Router Advertisement Processing, Validity (RFC 4861 §6.1.2): a host silently discards an RA
// that fails validation. Each invalid RA carries an autonomous prefix, so processing it would show as DAD
// for a new address.
import type { FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoRequest, isEchoReply } from '../vocabulary/echo.js';
import { forgetRoutersAfterwards } from '../vocabulary/host-routers.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { TR1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';
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

/**
 * Part E: an RA of 14 bytes, too short to hold the 16 an RA needs (no room for options, so no prefix to
 * show it used). It advertises Cur Hop Limit 77: a host that took it would answer pings with hop limit 77.
 * The control, the same RA at full length, must change the hop limit.
 */
async function shortRaIgnored(ctx: CaseContext): Promise<CaseVerdict> {
  await forgetRoutersAfterwards(ctx);
  const tr1 = ctx.node(TR1);
  const hopLimit = async (seq: number) => {
    await ctx.link().send(echoRequest(tr1, { mac: ctx.nutOn().mac, address: ctx.nutOn().linkLocal }, 0x2212, seq), 'TR1 pings: the reply shows the host\'s hop limit');
    return (await ctx.link().expect((f) => isEchoReply(f, tr1.address, 0x2212, seq), ANSWER_WINDOW_MS))?.frame.ipv6?.hopLimit;
  };
  const header = [77, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  await ctx.link().send({ ...raFromTr1({ prefixes: [] }), icmpv6: { type: 'other', icmpType: 134, body: new Uint8Array(header) } }, 'invalid: an RA of 14 bytes with Cur Hop Limit 77');
  await sleep(300);
  const after = await hopLimit(1);
  if (after === undefined) return fail('RFC 4443 §4.2', 'an Echo Reply to TR1', ctx.link().seenSinceSend());
  if (after === 77) return fail(RFC, 'an RA shorter than 16 bytes ignored', 'the host took its Cur Hop Limit 77');
  await ctx.link().send({ ...raFromTr1({ prefixes: [] }), icmpv6: { ...icmp(raFromTr1({ prefixes: [] })), curHopLimit: 77, options: [] } }, 'control: the same RA at its full 16 bytes');
  await sleep(300);
  const control = await hopLimit(2);
  if (control !== 77) return fail('RFC 4861 §6.3.4', 'hop limit 77 after a valid RA with Cur Hop Limit 77 (control)', control === undefined ? 'no Echo Reply' : `hop limit ${control}`);
  return pass('the 14-byte RA was ignored; the valid one set the hop limit');
}

export const cases: CaseDefinition[] = [
  part('A', 0x2c0, 'Global Source Address', 'a global source address', (s) => ({ ...s, ipv6: { ...s.ipv6!, src: '3ffe:501:ffff:100:200:ff:fe00:a0a0' } })),
  part('B', 0x2c2, 'Hop Limit less than 255', 'hop limit 254', (s) => ({ ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } })),
  part('C', 0x2c4, 'Invalid Checksum', 'a wrong ICMPv6 checksum', (s) => ({ ...s, icmpv6: { ...icmp(s), checksum: 0x0bad } })),
  part('D', 0x2c6, 'Invalid ICMP Code', 'ICMPv6 code 1', (s) => ({ ...s, icmpv6: { ...icmp(s), code: 1 } })),
  { id: 'v6LC.2.2.12-E', title: `${TEST}: Part E: Invalid ICMP Length`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 30_000, run: shortRaIgnored },
  // The zero-length option comes last: a NUT that does not validate options sees the prefix first.
  part('F', 0x2ca, 'Option of Length 0', 'an option of length 0', (s) => ({ ...s, icmpv6: { ...icmp(s), options: [...icmp(s).options!, { type: 'other', optionType: 24, body: new Uint8Array(6), length: 0 }] } })),
];
