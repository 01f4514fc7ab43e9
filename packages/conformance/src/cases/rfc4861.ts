// Section 2, RFC 4861: address resolution and NUD, router and prefix discovery, redirect.
import type { CaseDefinition } from '../engine/case.js';
import { nsInvalidChecksum, nsInvalidHopLimit } from './v6LC.2.1.7.js';

export const rfc4861Cases: CaseDefinition[] = [nsInvalidHopLimit, nsInvalidChecksum];
