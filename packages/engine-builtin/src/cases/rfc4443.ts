// Section 5, RFC 4443: ICMPv6, in INDEX order.
import type { CaseDefinition } from '../runner/case.js';
import { echoToAllNodes, echoToLinkLocal } from './v6LC.5.1.2.js';
import { unknownInformational } from './v6LC.5.1.8.js';
import {
  echoToGlobal,
  echoToLoopback,
  echoToUnspecified,
  erroneousHeaderField,
  noErrorForMulticastDestination,
  nonUniqueSourceCases,
  portUnreachableGlobal,
  portUnreachableLinkLocal,
  unrecognizedNextHeaderGlobal,
} from './v6LC.5.1.js';
import { packetTooBigGeneration, routeUnreachable, timeExceededCases } from './forwarding.js';

export const rfc4443Cases: CaseDefinition[] = [
  echoToLinkLocal,
  echoToGlobal,
  echoToAllNodes,
  echoToUnspecified,
  echoToLoopback,
  routeUnreachable,
  portUnreachableLinkLocal,
  portUnreachableGlobal,
  packetTooBigGeneration,
  ...timeExceededCases,
  erroneousHeaderField,
  unrecognizedNextHeaderGlobal,
  unknownInformational,
  noErrorForMulticastDestination,
  ...nonUniqueSourceCases,
];
