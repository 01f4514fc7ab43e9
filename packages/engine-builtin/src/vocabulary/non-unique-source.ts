// RFC 4443 §2.4 (e.6): no ICMPv6 error about a packet whose source does not identify a single node: the
// unspecified address (v6LC.5.1.11), a multicast address (5.1.12) or the subnet-router anycast address of
// Link0 (5.1.13, routers; TAHI's ANY_CAST_ADDR). The factory of their parts: A a UDP datagram to a closed
// port, B (routers) an Echo Request too big for Link1, C the first fragment of an Echo Request that never
// completes (60 s), D an unknown 10b option. Each is followed by a control: the same packet from a unicast
// source draws the error (or, for C, fragments are reassembled), so silence is not a NUT ignoring it.
import type { FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { CLOSED_PORT, udpTo } from './closed-port.js';
import { echoRequest } from './echo.js';
import { across } from './forwarding.js';
import { cutFragments } from './fragments.js';
import { globalPeers } from './global-address.js';
import { ALL_MODES, ROUTER_MODES } from './nut-modes.js';
import { expectIcmpError, isIcmpError, type ErrorExpectation } from './probe-outcomes.js';
import { echoTo, FRAGMENT_ID, reassemblesControl, TAHI_DATA, THREE_PIECES, tn } from './reassembly.js';
import { reassemblySilence, TIMER_CASE_TIMEOUT_MS } from './reassembly-timeout.js';
import { ETHERNET_MTU, LINK0_PREFIX, MIN_MTU } from './tahi-network.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

const RFC = 'RFC 4443 §2.4 (e.6)';
const ECHO_ID = 0x5100;
export type Part = 'A' | 'B' | 'C' | 'D';

const PART_TITLES: Record<Part, string> = {
  A: 'UDP Port Unreachable',
  B: 'Echo Request Too Big',
  C: 'Echo Request Reassembly Timeout',
  D: 'Echo Request with Unknown Option in Destination Options',
};

/** The subnet-router anycast address of Link0 (RFC 4291 §2.6.1): TAHI's ANY_CAST_ADDR. */
export const LINK0_ANYCAST = LINK0_PREFIX;

export function sourceName(source: string): string {
  return source === '::' ? 'the unspecified address' : source === LINK0_ANYCAST ? `the anycast address ${source}` : `the multicast address ${source}`;
}

interface Stimulus {
  frame: FrameSpec;
  what: string;
  link?: string;
  /** The error the same packet draws from a unicast source, sent to `replyTo`. */
  error: ErrorExpectation;
  replyTo: string;
}

/**
 * The parts of 5.1.11, 5.1.12 and 5.1.13. `titleSuffix` is what the INDEX adds to a part's title
 * ("(Routers and Hosts)", "(Routers Only)" or nothing in the routers-only 5.1.13).
 */
export function nonUniqueSource(id: string, title: string, source: string, part: Part, titleSuffix: string): CaseDefinition {
  const name = sourceName(source);
  return {
    id: `${id}-${part}`,
    title: `${title}: Part ${part}: ${PART_TITLES[part]}${titleSuffix ? ` ${titleSuffix}` : ''}`,
    rfc: RFC,
    appliesTo: part === 'B' || source === LINK0_ANYCAST ? ROUTER_MODES : ALL_MODES,
    ...(part === 'C' ? { timeoutMs: TIMER_CASE_TIMEOUT_MS, timerBound: true } : {}),
    async run(ctx) {
      if (part === 'C') return reassemblyTimeout(ctx, source, name);
      const stimulus = await stimulusOf(ctx, part, name);
      const fromSource: FrameSpec = { ...stimulus.frame, ipv6: { ...stimulus.frame.ipv6!, src: source } };
      const link = ctx.link(stimulus.link);
      await link.send(fromSource, `${stimulus.what} from ${name}`);
      const error = await link.expectNothing(isIcmpError, ANSWER_WINDOW_MS);
      if (error) return fail(RFC, `no ICMPv6 error about ${stimulus.what} from ${name}`, `ICMPv6 type ${error.frame.icmpv6!.icmpType} code ${error.frame.icmpv6!.code}`);
      await sleep(1_100); // the control's error must not meet the rate limit
      const control = await expectIcmpError(ctx, stimulus.frame, stimulus.replyTo, stimulus.error, { rfc: 'RFC 4443 §2.4', what: `control: ${stimulus.what} from a unicast source`, ...(stimulus.link ? { link: stimulus.link } : {}) });
      if ('failed' in control) return { ...control.failed, reason: `${control.failed.reason}: without the error from a unicast source, the silence about ${name} proves nothing` };
      return pass(`no ICMPv6 error about ${stimulus.what} from ${name}; the same from a unicast source drew one`);
    },
  };
}

async function stimulusOf(ctx: CaseContext, part: Exclude<Part, 'C'>, name: string): Promise<Stimulus> {
  if (part === 'B') {
    const a = across(ctx, 0xb0 + name.length);
    const link1 = ctx.nutOn('Link1');
    await ctx.nutCommand(['ip', 'link', 'set', 'dev', link1.ifname, 'mtu', String(MIN_MTU)]);
    ctx.onCleanup(`give ${link1.ifname} its MTU of ${ETHERNET_MTU} back`, async () => void (await ctx.nutCommand(['ip', 'link', 'set', 'dev', link1.ifname, 'mtu', String(ETHERNET_MTU)])));
    await sleep(200);
    return { frame: a.request({ size: ETHERNET_MTU }), what: `a ${ETHERNET_MTU}-octet Echo Request to TN2 behind a ${MIN_MTU}-octet Link1`, error: { type: 'packet-too-big', code: 0 }, replyTo: a.tn1.address };
  }
  const { from, nut } = await globalPeers(ctx, 0xe0 + part.charCodeAt(0));
  const to = { mac: ctx.nutOn().mac, address: nut };
  if (part === 'A') return { frame: udpTo(from, to), what: `a UDP datagram to the closed port ${CLOSED_PORT}`, error: { type: 'destination-unreachable', code: 4 }, replyTo: from.address };
  return {
    frame: { ...echoRequest(from, to, ECHO_ID), extensionHeaders: [{ type: 'destination-options', options: [{ type: 0x9e, data: new Uint8Array(4) }] }] },
    what: 'an Echo Request with an unknown 10b option',
    error: { type: 'parameter-problem', code: 2, pointer: 42 },
    replyTo: from.address,
  };
}

/** Part C: the first fragment from the non-unique source, then 65 s of the NUT's clock in silence (no Time Exceeded), then fragments are still reassembled. */
async function reassemblyTimeout(ctx: CaseContext, source: string, name: string): Promise<CaseVerdict> {
  const { from, nut } = await globalPeers(ctx, 0xec);
  const [first] = cutFragments(echoTo(ctx, from, TAHI_DATA, nut), FRAGMENT_ID, THREE_PIECES);
  const send = () => ctx.link().send({ ...first!, ipv6: { ...first!.ipv6!, src: source } }, `the first fragment of an Echo Request from ${name}`);
  const silence = await reassemblySilence(ctx, isIcmpError, send);
  if ('broken' in silence) return fail(RFC, `no Time Exceeded about a datagram from ${name} left unfinished`, `ICMPv6 type ${silence.broken.frame.icmpv6!.icmpType} code ${silence.broken.frame.icmpv6!.code}`);
  const control = await reassemblesControl(ctx, tn(ctx, 0xec, true), nut);
  return control ?? pass(`no Time Exceeded about the unfinished datagram from ${name}: ${silence.heard}; fragments are reassembled`);
}
