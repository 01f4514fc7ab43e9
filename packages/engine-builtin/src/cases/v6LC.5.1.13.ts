// v6LC.5.1.13 Error Condition With Non-Unique Source Anycast (RFC 4443 §2.4 (e.6)): a router sends no ICMPv6
// error about a packet from the subnet-router anycast address of Link0: port unreachable (A), too big for
// the next link (B), reassembly timeout (C, 65 s of the NUT's clock), unknown option (D).
import type { CaseDefinition } from '../runner/case.js';
import { LINK0_ANYCAST, nonUniqueSource } from '../vocabulary/non-unique-source.js';

const TITLE = 'Error Condition With Non-Unique Source Anycast (Routers Only)';

export const cases: CaseDefinition[] = (['A', 'B', 'C', 'D'] as const).map((part) => nonUniqueSource('v6LC.5.1.13', TITLE, LINK0_ANYCAST, part, ''));
