// v6LC.3.2.2 Address Lifetime Expiry (RFC 4862 §5.5.4), as RA_GA_Success.seq judges it, on the wire: TR1
// advertises a prefix with valid lifetime 40 s and preferred lifetime 20 s (RA_GA0_VLT40); the host probes
// the address it forms, answers TN's solicitation for it 5 s later, still answers 5 s before the valid
// lifetime ends (deprecated by then, but valid) and no longer answers 5 s after it ended: an invalid address
// "MUST NOT be recognized as a destination". About 50 s.
import { pass, type CaseDefinition } from '../runner/case.js';
import { checkAddressAt, goneAfter, heldBefore, soonestAfter } from '../vocabulary/lifetime-checkpoints.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { ADDRCONF_WAIT_MS, autoconfigure, isFormed } from '../vocabulary/prefix-autoconf.js';
import { casePrefix } from '../vocabulary/ra-processing.js';

const RFC = 'RFC 4862 §5.5.4';
const VLT40 = { valid: 40, preferred: 20 };
/** RA_GA_Success.seq checks 5 s either side of the expiry. */
const MARGIN_S = 5;

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.3.2.2',
    title: 'Address Lifetime Expiry (Hosts Only)',
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: 65_000,
    timerBound: true,
    async run(ctx) {
      const prefix = casePrefix(0x322);
      const formed = await autoconfigure(ctx, prefix, VLT40);
      if (!isFormed(formed)) return formed;
      const { address, took } = formed;
      const what = "TR1's RA";
      const checks = [
        { address, atMs: formed.took.latestMs + ADDRCONF_WAIT_MS, held: true, deadlineMs: soonestAfter(took, VLT40.valid - 1), when: `${ADDRCONF_WAIT_MS / 1000} s after its DAD probe` },
        heldBefore(address, took, VLT40.valid, MARGIN_S, what),
        goneAfter(address, took, VLT40.valid, MARGIN_S, what),
      ];
      for (const cp of checks) {
        const bad = await checkAddressAt(ctx, RFC, cp);
        if (bad) return bad;
      }
      return pass(`${address} valid until its valid lifetime of ${VLT40.valid} s ended, then no longer recognised`);
    },
  },
];
