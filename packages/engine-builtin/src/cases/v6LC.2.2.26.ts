// v6LC.2.2.26 Atomic Fragments in Router Soliciation and Router Advertisement (RFC 6980 §5): an RA (host,
// Part A) or RS (router, Part B) with an atomic Fragment Header is ignored. Linux drops them from its own
// ND processing (net/ipv6/ndisc.c ndisc_suppress_frag_ndisc); on a router radvd reads RSs from a raw socket,
// which gets them reassembled and cannot tell: an answer there is radvd's.
import type { CaseDefinition } from '../runner/case.js';
import { hostIgnoresFragmentedRa, routerIgnoresFragmentedRs } from '../vocabulary/fragmented-rd.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';

const TEST = 'Atomic Fragments in Router Soliciation and Router Advertisement';

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.2.26-A', title: `${TEST}: Part A: Router Advertisment with Atomic Fragment (Host Only)`, rfc: 'RFC 6980 §5', appliesTo: HOST_MODES, timeoutMs: 30_000, run: (ctx) => hostIgnoresFragmentedRa(ctx, 'atomic', 0x2d0) },
  { id: 'v6LC.2.2.26-B', title: `${TEST}: Part B: Router Solicitation with Atomic Fragment (Router Only)`, rfc: 'RFC 6980 §5', appliesTo: ['router', 'security-gateway'], timeoutMs: 45_000, run: (ctx) => routerIgnoresFragmentedRs(ctx, 'atomic') },
];
