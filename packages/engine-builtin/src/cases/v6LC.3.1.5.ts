// v6LC.3.1.5 Receiving Neighbor Solicitations for Address Resolution (RFC 4862 §5.4.3): an NS from a unicast
// source for the tentative address is no DAD probe: the NUT neither answers it nor gives the address up.
import { multicastMac, solicitedNodeMulticast, type FrameSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { dadCase } from '../vocabulary/dad-answers.js';
import { dadProbeCase, probeTarget } from '../vocabulary/dad-outcome.js';
import { isNaFor } from '../vocabulary/nd-messages.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';

const RFC_DAD = 'RFC 4862 §5.4.3';

/** An address-resolution NS (unicast source) for the tentative address: ignored, not answered (RFC 4862 §5.4.3). */
function resolutionNs(c: CaseContext, d: ReceivedFrame, unicastDst: boolean): FrameSpec {
  const t = probeTarget(d);
  const dst = unicastDst ? t : solicitedNodeMulticast(t);
  return {
    eth: { src: ND_TN1.mac, dst: unicastDst ? c.nutOn().mac : multicastMac(dst) },
    ipv6: { src: ND_TN1.address, dst, hopLimit: 255 },
    icmpv6: { type: 'neighbor-solicitation', target: t, options: [{ type: 'source-lla', mac: ND_TN1.mac }] },
  };
}

const T5 = 'Receiving Neighbor Solicitations for Address Resolution';
const noNa = (c: CaseContext) => isNaFor(c.nutOn().linkLocal);
export const cases: CaseDefinition[] = [
  dadCase('v6LC.3.1.5-A', `${T5}: Part A: NUT receives NS (src == unicast)`, 'kept', 'an address-resolution NS for the tentative address', (c, d) => resolutionNs(c, d, false)),
  dadCase('v6LC.3.1.5-B', `${T5}: Part B: NUT receives NS (Src == unicast && Dst == NUT's tentative address)`, 'kept', 'an address-resolution NS sent to the tentative address', (c, d) => resolutionNs(c, d, true)),
].map((def) => ({
  ...def,
  run: (ctx: CaseContext) =>
    dadProbeCase(ctx, {
      rfc: RFC_DAD,
      expected: 'kept',
      inject: { what: def.id.endsWith('A') ? 'an address-resolution NS for the tentative address' : 'an address-resolution NS sent to the tentative address', frame: (c, d) => resolutionNs(c, d, def.id.endsWith('B')) },
      mustNotAnswer: noNa,
    }),
}));
