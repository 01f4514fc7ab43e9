// Section 1, RFC 8200: IPv6 header, extension headers and options, fragmentation. One entry per case, in INDEX order.
import type { CaseDefinition } from '../runner/case.js';
import { flowLabelNonZero, hopLimitZeroEndNode, noNextHeader, payloadLengthEven, payloadLengthOdd, trafficClassEndNode, unrecognizedNextHeader, versionField } from './v6LC.1.1.js';
import {
  destinationOptionCases,
  hopByHopOptionCases,
  nextHeaderZero,
  noNextHeaderAfterExtension,
  optionOrderCases,
  routingTypeCases,
  unrecognizedNextHeaderInExtension,
} from './v6LC.1.2.js';
import { forwardedIntactCases, hopLimitDecrement } from './forwarding.js';
import { atomicFragmentCases, fragmentLengthInvalid, incompleteChainCases, overlapCases, processingOrderCases, reassemblyCases, reassemblyTimeCases } from './v6LC.1.3.js';

export const rfc8200Cases: CaseDefinition[] = [
  versionField,
  trafficClassEndNode,
  forwardedIntactCases[0]!,
  flowLabelNonZero,
  forwardedIntactCases[1]!,
  payloadLengthOdd,
  forwardedIntactCases[2]!,
  payloadLengthEven,
  noNextHeader,
  forwardedIntactCases[3]!,
  unrecognizedNextHeader,
  hopLimitZeroEndNode,
  hopLimitDecrement,
  nextHeaderZero,
  noNextHeaderAfterExtension,
  forwardedIntactCases[4]!,
  unrecognizedNextHeaderInExtension,
  ...processingOrderCases,
  ...optionOrderCases,
  ...hopByHopOptionCases,
  ...destinationOptionCases,
  ...routingTypeCases,
  ...reassemblyCases,
  ...reassemblyTimeCases,
  fragmentLengthInvalid,
  ...atomicFragmentCases,
  ...overlapCases,
  ...incompleteChainCases,
];
