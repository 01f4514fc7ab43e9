// Section 3, RFC 4862: stateless address autoconfiguration and duplicate address detection.
import type { CaseDefinition } from '../engine/case.js';

export const rfc4862Cases: CaseDefinition[] = [];
