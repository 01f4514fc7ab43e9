// Echo Requests between a tester node and any of the NUT's addresses (link-local or global), from an on-link
// node or, through TR1's MAC, from an off-link one: the everyday stimulus of the Section 2 cases. Replies
// are recognised with echo.ts's echoReplyTo (same identifier).
import type { CaseContext } from '../runner/context.js';
import { pattern } from './payload.js';
import type { BareNode } from './tester-nodes.js';

/** `tn` pings `nutAddress`; `viaMac` is the Ethernet source when `tn` is off-link (the router's MAC). */
export function echoTo(ctx: CaseContext, tn: BareNode, nutAddress: string, seq: number, note?: string, viaMac?: string): Promise<Uint8Array> {
  const nut = ctx.nutOn();
  return ctx.link().send(
    { eth: { src: viaMac ?? tn.mac, dst: nut.mac }, ipv6: { src: tn.address, dst: nutAddress }, icmpv6: { type: 'echo-request', id: 0x2100, seq, data: pattern(16) } },
    note ?? `${tn.name} (${tn.address}) pings the NUT at ${nutAddress}`,
  );
}
