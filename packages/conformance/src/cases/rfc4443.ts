// Section 5, RFC 4443: ICMPv6.
import type { CaseDefinition } from '../engine/case.js';
import { echoToAllNodes, echoToLinkLocal } from './v6LC.5.1.2.js';
import { unknownInformational } from './v6LC.5.1.8.js';

export const rfc4443Cases: CaseDefinition[] = [echoToLinkLocal, echoToAllNodes, unknownInformational];
