// What another node sends while the NUT probes its tentative address (RFC 4862 §5.4.3, §5.4.4): TN1's own
// DAD probe for it, TN1 defending it, and the factory of the DAD cases that send one of them.
import { multicastMac, solicitedNodeMulticast, type FrameSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { dadProbeCase, probeTarget, type DadOutcome } from './dad-outcome.js';
import { ALL_MODES } from './nut-modes.js';
import { ND_TN1 } from './tester-nodes.js';

const RFC_DAD = 'RFC 4862 §5.4.3';

/**
 * How long a DAD case takes at most: interface restart, the probe within 4 s, DAD's end within RetransTimer
 * + 3.5 s, the Echo Request answered within 3 s, and the SSH round trips of a loaded NUT (typically 5 s).
 */
export const DAD_CASE_ESTIMATE_MS = 20_000;

/** A DAD probe of TN1's own for `target` (the NUT's tentative address unless told otherwise). */
export function dadNs(dad: ReceivedFrame, target?: string): FrameSpec {
  const t = target ?? probeTarget(dad);
  const group = solicitedNodeMulticast(t);
  return { eth: { src: ND_TN1.mac, dst: multicastMac(group) }, ipv6: { src: '::', dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: t } };
}

/** TN1 defending `target` (RFC 4862 §5.4.4): an NA to all-nodes, S = 0, O = 1, with its TLLA. */
export function dadNa(dad: ReceivedFrame, target?: string): FrameSpec {
  const t = target ?? probeTarget(dad);
  return {
    eth: { src: ND_TN1.mac, dst: multicastMac('ff02::1') },
    ipv6: { src: ND_TN1.address, dst: 'ff02::1', hopLimit: 255 },
    icmpv6: { type: 'neighbor-advertisement', target: t, solicited: false, override: true, options: [{ type: 'target-lla', mac: ND_TN1.mac }] },
  };
}

/** A DAD case on a fresh NUT: `frame`, built from the NUT's probe, is sent while the address is tentative. */
export function dadCase(id: string, title: string, expected: DadOutcome, what: string, frame: (ctx: CaseContext, dad: ReceivedFrame) => FrameSpec, extra: Partial<CaseDefinition> = {}): CaseDefinition {
  return {
    id,
    title,
    rfc: RFC_DAD,
    appliesTo: ALL_MODES,
    needsFreshNut: true,
    timeoutMs: DAD_CASE_ESTIMATE_MS,
    run: (ctx) => dadProbeCase(ctx, { rfc: RFC_DAD, expected, inject: { what, frame } }),
    ...extra,
  };
}
