// v6LC.2.3.2 Redirected On-link: Suspicious (RFC 4861 §8.1, §8.3, §4.6): a Redirect with an option the host
// does not know, a non-zero Reserved field, or a Target not covered by any on-link prefix is still valid:
// the host must follow it and send TN1's next Echo Reply straight to TN1's TLLA.
import type { CaseDefinition } from '../runner/case.js';
import { redirectFollowed } from '../vocabulary/redirect-followed.js';
import { tlla } from '../vocabulary/redirect-messages.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const TEST = 'Redirected On-link: Suspicious (Hosts Only)';
/** TAHI's opt_unrecognized: option type 255 carrying 0123456789ab. */
const UNKNOWN_OPTION = { type: 'other' as const, optionType: 255, body: Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab) };

export const cases: CaseDefinition[] = [
  redirectFollowed({
    id: 'v6LC.2.3.2-A',
    title: `${TEST}: Part A: Option Unrecognized`,
    what: 'an on-link Redirect with an option of type 255',
    to: 'on-link',
    options: () => [UNKNOWN_OPTION, tlla(TN1.mac)],
  }),
  redirectFollowed({
    id: 'v6LC.2.3.2-B',
    title: `${TEST}: Part B: Reserved Field is Non-zero`,
    what: 'an on-link Redirect with Reserved = 1',
    to: 'on-link',
    options: () => [tlla(TN1.mac)],
    reserved: 1,
  }),
  redirectFollowed({
    id: 'v6LC.2.3.2-C',
    title: `${TEST}: Part C: Target Address not Covered by On-link Prefix`,
    what: 'an on-link Redirect whose Target is outside every on-link prefix',
    to: 'on-link',
    options: () => [tlla(TN1.mac)],
  }),
];
