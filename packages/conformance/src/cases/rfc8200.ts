// Section 1, RFC 8200: IPv6 header, extension headers and options, fragmentation. One entry per case.
import type { CaseDefinition } from '../engine/case.js';
import { unrecognizedNextHeader, versionField } from './v6LC.1.1.js';

export const rfc8200Cases: CaseDefinition[] = [versionField, unrecognizedNextHeader];
