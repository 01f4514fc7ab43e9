// Echo Requests from TN1 behind extension headers, and the three things the NUT may have to do with one:
// answer it, discard it silently, or discard it with a Parameter Problem pointing at the offending octet.
import { multicastMac, type ExtensionHeaderSpec, type FrameSpec } from '@testlab/packet';
import { pass } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoRequest } from './echo.js';
import { expectEchoReply, expectIcmpError, expectSilence } from './probe-outcomes.js';
import { TN1 } from './tester-nodes.js';

const ECHO_ID = 0x1200;

/** An Echo Request from TN1 to the NUT's link-local address (or all-nodes) behind `headers`. */
export function echoBehind(ctx: CaseContext, headers: ExtensionHeaderSpec[], multicast = false): FrameSpec {
  const nut = ctx.nutOn();
  const tn1 = ctx.node(TN1);
  const to = multicast ? { mac: multicastMac('ff02::1'), address: 'ff02::1' } : { mac: nut.mac, address: nut.linkLocal };
  return { ...echoRequest(tn1, to, ECHO_ID), extensionHeaders: headers };
}

/** What the NUT must do with the Echo Request: answer it, discard it silently, or send Parameter Problem code 2 pointing at `pointer`. */
export type OptionOutcome = 'reply' | 'silence' | { pointer: number };

export async function optionOutcome(ctx: CaseContext, frame: FrameSpec, outcome: OptionOutcome, rfc: string, what: string) {
  const tn1 = ctx.node(TN1);
  if (outcome === 'reply') return (await expectEchoReply(ctx, frame, tn1.address, ECHO_ID, 1, { rfc, what: `an Echo Request with ${what}` })) ?? pass(`an Echo Request with ${what} was answered`);
  if (outcome === 'silence') return (await expectSilence(ctx, frame, tn1.address, tn1, { rfc, what: `an Echo Request with ${what}` })) ?? pass(`an Echo Request with ${what} was discarded without an error`);
  const r = await expectIcmpError(ctx, frame, tn1.address, { type: 'parameter-problem', code: 2, pointer: outcome.pointer }, { rfc, what: `an Echo Request with ${what}` });
  return 'failed' in r ? r.failed : pass(`Parameter Problem code 2 pointing at the option (offset ${outcome.pointer})`);
}
