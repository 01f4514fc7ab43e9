// v6LC.2.3.5 Redirected to Alternate Router: Suspicious (RFC 4861 §8.1, §8.3, §4.6): an unknown option or a
// non-zero Reserved field does not make a Redirect invalid; the host sends TN1's next Echo Reply to TR2.
import type { CaseDefinition } from '../runner/case.js';
import { redirectFollowed } from '../vocabulary/redirect-followed.js';
import { tlla } from '../vocabulary/redirect-messages.js';
import { TR2 } from '../vocabulary/redirect-network.js';

const TEST = 'Redirected to Alternate Router: Suspicious (Hosts only)';
/** TAHI's opt_unrecognized: option type 255 carrying 0123456789ab. */
const UNKNOWN_OPTION = { type: 'other' as const, optionType: 255, body: Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab) };

export const cases: CaseDefinition[] = [
  redirectFollowed({ id: 'v6LC.2.3.5-A', title: `${TEST}: Part A: Option Unrecognized`, what: 'a Redirect to TR2 with an option of type 255', to: 'TR2', options: () => [UNKNOWN_OPTION, tlla(TR2.mac)] }),
  redirectFollowed({ id: 'v6LC.2.3.5-B', title: `${TEST}: Part B: Reserved Field is Non-zero`, what: 'a Redirect to TR2 with Reserved = 1', to: 'TR2', options: () => [tlla(TR2.mac)], reserved: 1 }),
];
