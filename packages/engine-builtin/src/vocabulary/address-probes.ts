// Whether the NUT holds an address, asked on the wire as TAHI's addr.p2 scripts ask it: TN sends a Neighbor
// Solicitation for the address from its link-local address (SAA.pm seqCheckNUTAddrConfiguredGA) or a DAD
// probe from :: (seqCheckNUTAddrConfiguredGADAD); a NUT that holds the address answers with a Neighbor
// Advertisement, one that does not stays silent. Silence only counts while the NUT still answers for its
// link-local address (the control): a NUT that answers nothing at all cannot be judged.
import { multicastMac, normalizeIpv6, solicitedNodeMulticast, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { ND_TN1 } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

/** TAHI's TN on Link0: the node that asks (tnv6(), tnether()). */
export const ASKING_TN = ND_TN1;

/** TN's solicitation for `address` to its solicited-node group, with TN's SLLA (SOLNS_from_TN_GA0Tgt). */
export function solicitationFor(address: string): FrameSpec {
  const group = solicitedNodeMulticast(address);
  return {
    eth: { src: ASKING_TN.mac, dst: multicastMac(group) },
    ipv6: { src: ASKING_TN.address, dst: group, hopLimit: 255 },
    icmpv6: { type: 'neighbor-solicitation', target: address, options: [{ type: 'source-lla', mac: ASKING_TN.mac }] },
  };
}

/** A DAD probe of TN's own for `address`: from ::, no options (DADNS_from_TN_GA0Tgt). */
export function dadProbeFor(address: string): FrameSpec {
  const group = solicitedNodeMulticast(address);
  return { eth: { src: ASKING_TN.mac, dst: multicastMac(group) }, ipv6: { src: '::', dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: address } };
}

const naFor = (address: string, dst: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-advertisement' && normalizeIpv6(f.icmpv6.target) === normalizeIpv6(address) && f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst) === dst;

/** Sends TN's solicitation for `address`; the NA for it addressed to TN, if one comes (from any of the NUT's addresses). */
export async function askForAddress(ctx: CaseContext, address: string, note: string): Promise<ReceivedFrame | undefined> {
  // TN answers the NUT's own solicitations for it (the NUT probes the entry TN's SLLA gave it), as TAHI's TN would.
  ctx.node({ name: ASKING_TN.name, mac: ASKING_TN.mac });
  await ctx.link().send(solicitationFor(address), note);
  return ctx.link().expect(naFor(address, ASKING_TN.address), ANSWER_WINDOW_MS);
}

/** Sends TN's DAD probe for `address`; the NA defending it (to all-nodes), if one comes. */
export async function probeAddress(ctx: CaseContext, address: string, note: string): Promise<ReceivedFrame | undefined> {
  await ctx.link().send(dadProbeFor(address), note);
  return ctx.link().expect(naFor(address, 'ff02::1'), ANSWER_WINDOW_MS);
}

/**
 * What is wrong with the NA that answers TN (undefined when nothing is), as TAHI's NA_from_NUT_* frames
 * match it: Solicited set for a solicitation from a unicast address and clear for a DAD probe (RFC 4861
 * §7.2.4), Router as the NUT's role, Override set when the NA carries a TLLA.
 */
export function answerProblem(ctx: CaseContext, na: ReceivedFrame, solicited: boolean): string | undefined {
  const m = na.frame.icmpv6;
  if (m?.type !== 'neighbor-advertisement') return 'no Neighbor Advertisement';
  const router = ctx.mode === 'router' || ctx.mode === 'security-gateway';
  if (m.solicited !== solicited) return `an NA with the Solicited flag ${m.solicited ? 'set' : 'clear'}`;
  if (m.router !== router) return `an NA with the Router flag ${m.router ? 'set' : 'clear'} from a ${router ? 'router' : 'host'}`;
  if (m.options.some((o) => o.type === 'target-lla') && !m.override) return 'an NA with a TLLA and the Override flag clear';
  return undefined;
}

/** The control: the NUT still answers TN's solicitation for its link-local address. */
export async function nutStillAnswers(ctx: CaseContext): Promise<boolean> {
  const ll = ctx.nutOn().linkLocal;
  return (await askForAddress(ctx, ll, `control: does the NUT still answer for ${ll}?`)) !== undefined;
}

/** The ERROR of a case whose NUT answers nothing: its silence about one address says nothing. */
export function unresponsiveNut(when: string): Error {
  return new Error(`${when} the NUT did not answer for its link-local address either: it cannot be judged now (NUT unresponsive or the lab too slow)`);
}
