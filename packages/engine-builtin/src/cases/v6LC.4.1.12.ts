// v6LC.4.1.12 Validate Packet Too Big (RFC 8201 §4, RFC 4443 §2.4): a Packet Too Big quoting an Echo Reply
// the NUT never sent (identifier 0xfff0 where its reply had 0x4100) must not lower the path MTU: the next
// 1500-octet reply stays whole (TAHI's Validate_PTB, for NUTs with ICMPv6 connection tracking). A genuine
// Packet Too Big quoting the real reply must then be taken: a NUT that ignores every one proves nothing.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { answeredWithin, echo, isVerdict, offLinkPath, packetTooBig, replyTheNutNeverSent, wholeAtFirst } from '../vocabulary/path-mtu.js';
import { toTester } from '../vocabulary/probe-outcomes.js';
import { ETHERNET_MTU } from '../vocabulary/tahi-network.js';

const RFC = 'RFC 8201 §4';
const MTU = 1304;
const FORGED_ID = 0xfff0;

const validatePacketTooBig: CaseDefinition = {
  id: 'v6LC.4.1.12',
  title: 'Validate Packet Too Big',
  rfc: RFC,
  appliesTo: ALL_MODES,
  async run(ctx) {
    const { p, tr1 } = await offLinkPath(ctx, 0xc0);
    const first = await wholeAtFirst(ctx, p);
    if (isVerdict(first)) return first;
    await packetTooBig(ctx, p, tr1, MTU, replyTheNutNeverSent(ctx, p, ETHERNET_MTU, FORGED_ID), 0, `an Echo Reply with identifier 0x${FORGED_ID.toString(16)} the NUT never sent`);
    const reply = await echo(ctx, p, 2, ETHERNET_MTU);
    if (!reply) return fail('RFC 4443 §4.2', `an Echo Reply to the ${ETHERNET_MTU}-octet Echo Request after the forged Packet Too Big`, ctx.link().seenSinceSend(toTester(p.from.address)));
    if (reply.fragmented) {
      return fail(RFC, `the Packet Too Big quoting a packet the NUT never sent ignored, so a whole ${ETHERNET_MTU}-octet Echo Reply (SHOULD validate; TAHI's Validate_PTB)`, `fragments of ${reply.packetSizes.join(' + ')} octets: the NUT lowered its path MTU to ${MTU} on it`);
    }
    await packetTooBig(ctx, p, tr1, MTU, reply.largest, 0, 'the Echo Reply it did send');
    const genuine = await answeredWithin(ctx, p, 3, MTU, RFC, `after a genuine Packet Too Big with MTU ${MTU} (control: the forged one was validated, not all ignored)`);
    return genuine ?? pass(`the forged Packet Too Big was ignored (reply whole, ${reply.packetSizes[0]} octets); the genuine one was taken`);
  },
};

export const cases: CaseDefinition[] = [validatePacketTooBig];
