// Section 3, RFC 4862: stateless address autoconfiguration and duplicate address detection. INDEX order.
import type { CaseDefinition } from '../runner/case.js';
import { section31Cases } from './v6LC.3.1.js';
import { globalAutoconfCases, prefixOptionCases } from './v6LC.3.2.js';

export const rfc4862Cases: CaseDefinition[] = [...section31Cases, ...globalAutoconfCases, ...prefixOptionCases];
