// v6LC.5.1.9 Error Condition With ICMPv6 Error Message (RFC 4443 §2.4 (e.1)): a router asked to forward an
// ICMPv6 error message it cannot deliver (no neighbor answers, hop limit 0, no route) sends no ICMPv6 error
// about it. Each part is followed by a control: an Echo Request with the same flaw does draw the error, so
// the silence is rule (e.1), not a router that reports nothing.
import { buildFrame, type FrameSpec, type Icmpv6Spec } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { across, type Across } from '../vocabulary/forwarding.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError, isIcmpError, toTester, type ErrorExpectation } from '../vocabulary/probe-outcomes.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4443 §2.4 (e.1)';
const TITLE = 'Error Condition With ICMPv6 Error Message (Routers Only)';
const UNANSWERED_ON_LINK1 = '3ffe:501:ffff:101::dead';
const NO_ROUTE = '3ffe:501:ffff:200::1';

type Flaw = 'unresolvable' | 'hop limit 0' | 'no route';
const FLAW: Record<Flaw, { error: ErrorExpectation; window: number }> = {
  unresolvable: { error: { type: 'destination-unreachable', code: 3 }, window: 10_000 },
  'hop limit 0': { error: { type: 'time-exceeded', code: 0 }, window: 3_000 },
  'no route': { error: { type: 'destination-unreachable', code: 0 }, window: 3_000 },
};

/** The flawed packet: `message` from TN1 to wherever the flaw needs, as the router receives it on Link0. */
function flawed(a: Across, flaw: Flaw, message: Icmpv6Spec | undefined): FrameSpec {
  const to = flaw === 'unresolvable' ? UNANSWERED_ON_LINK1 : flaw === 'no route' ? NO_ROUTE : a.tn2.address;
  const base = a.request({ to, ...(flaw === 'hop limit 0' ? { hopLimit: 0 } : {}) });
  return message ? { ...base, icmpv6: message } : base;
}

function part(letter: string, partTitle: string, flaw: Flaw, message: (invoking: Uint8Array) => Icmpv6Spec, what: string): CaseDefinition {
  return {
    id: `v6LC.5.1.9-${letter}`,
    title: `${TITLE}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ROUTER_MODES,
    timeoutMs: 40_000,
    async run(ctx) {
      const a = across(ctx, 0x90 + letter.charCodeAt(0));
      // What the error message quotes: a packet TN1 supposedly sent to the flawed destination.
      const invoking = buildFrame({ ...a.request({ to: flawed(a, flaw, undefined).ipv6!.dst as string }), eth: { src: a.tn1.mac, dst: a.tn1.mac } }).subarray(14);
      const sent = `${what} to ${flawed(a, flaw, undefined).ipv6!.dst} (${flaw})`;
      await ctx.link().send(flawed(a, flaw, message(invoking.slice(0, 1232))), sent);
      const error = await ctx.link().expectNothing((f) => toTester(a.tn1.address)(f) && isIcmpError(f), FLAW[flaw].window);
      if (error) return fail(RFC, `no ICMPv6 error about ${sent}`, `ICMPv6 type ${error.frame.icmpv6!.icmpType} code ${error.frame.icmpv6!.code}`);
      await sleep(1_100);
      const control = await expectIcmpError(ctx, flawed(a, flaw, undefined), a.tn1.address, FLAW[flaw].error, { rfc: 'RFC 4443 §3', what: `control: an Echo Request with the same flaw (${flaw})`, windowMs: FLAW[flaw].window });
      if ('failed' in control) return { ...control.failed, reason: `${control.failed.reason}: without it, the silence about the error message proves nothing` };
      return pass(`no ICMPv6 error about ${sent}; an Echo Request with the same flaw drew one`);
    },
  };
}

export const cases: CaseDefinition[] = [
  part('A', 'Reception of Flawed Destination Unreachable Code 0 with Address Unreachable', 'unresolvable', (invoking) => ({ type: 'destination-unreachable', code: 0, invoking }), 'a Destination Unreachable code 0'),
  part('B', 'Reception of Flawed Destination Unreachable Code 3 with Hop Limit = 0', 'hop limit 0', (invoking) => ({ type: 'destination-unreachable', code: 3, invoking }), 'a Destination Unreachable code 3'),
  part('C', 'Reception of Flawed Time Exceeded Code 0 with No Route To Destination', 'no route', (invoking) => ({ type: 'time-exceeded', code: 0, invoking }), 'a Time Exceeded code 0'),
  part('D', 'Reception of Flawed Time Exceeded Code 1 with No Route To Destination', 'no route', (invoking) => ({ type: 'time-exceeded', code: 1, invoking }), 'a Time Exceeded code 1'),
  part('E', 'Reception of Flawed Packet Too Big with Address Unreachable', 'unresolvable', (invoking) => ({ type: 'packet-too-big', code: 0, mtu: 1280, invoking }), 'a Packet Too Big'),
  part('F', 'Reception of Flawed Parameter Problem with Hop Limit = 0', 'hop limit 0', (invoking) => ({ type: 'parameter-problem', code: 0, pointer: 6, invoking }), 'a Parameter Problem'),
];
