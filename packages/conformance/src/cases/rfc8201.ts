// Section 4, RFC 8201: path MTU discovery.
import type { CaseDefinition } from '../engine/case.js';

export const rfc8201Cases: CaseDefinition[] = [];
