// v6LC.3.1.1 Address Autoconfiguration and Duplicate Address Detection (RFC 4862 §5.4.2): on a fresh NUT whose
// interface is restarted (as at boot), its DAD probe for the link-local address, and nothing sent from that
// address while it is tentative.
import { solicitedNodeMulticast } from '@testlab/packet';
import { fail, type CaseDefinition } from '../runner/case.js';
import { DAD_CASE_ESTIMATE_MS } from '../vocabulary/dad-answers.js';
import { dadProbeCase } from '../vocabulary/dad-outcome.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';

const dadSuccess: CaseDefinition = {
  id: 'v6LC.3.1.1',
  title: 'Address Autoconfiguration and Duplicate Address Detection',
  rfc: 'RFC 4862 §5.4.2',
  appliesTo: ALL_MODES,
  needsFreshNut: true,
  timeoutMs: DAD_CASE_ESTIMATE_MS,
  run: (ctx) =>
    dadProbeCase(ctx, {
      rfc: 'RFC 4862 §5.4',
      expected: 'kept',
      checkProbe: (c, dad) => {
        const rfc = 'RFC 4862 §5.4.2';
        const ll = c.nutOn().linkLocal;
        const f = dad.frame;
        const m = f.icmpv6;
        if (m?.type !== 'neighbor-solicitation') throw new Error('unreachable');
        if (f.ipv6?.dst !== solicitedNodeMulticast(ll)) return fail(rfc, `the DAD probe sent to ${solicitedNodeMulticast(ll)}`, `destination ${f.ipv6?.dst}`);
        if (f.ipv6.hopLimit !== 255) return fail('RFC 4861 §7.1.1', 'hop limit 255 on the DAD probe', `hop limit ${f.ipv6.hopLimit}`);
        if (m.options.some((o) => o.type === 'source-lla')) return fail('RFC 4861 §7.2.2', 'no SLLA option in an NS from the unspecified address', 'an SLLA option');
        // Until DAD ends the address is not used: nothing may leave from it (MLD reports go from ::).
        const early = c.link().seenSinceSend((x) => x.ipv6?.src === ll);
        if (early !== 'nothing') return fail('RFC 4862 §5.4', `nothing sent from ${ll} while it is tentative`, early);
        return undefined;
      },
    }),
};

export const cases: CaseDefinition[] = [dadSuccess];
