// IPsec.5.2.6 Host transport mode, ESP=NULL HMAC-SHA1 (p2_HTR_E_Common.seq): one exchange with HOST1 in
// transport mode through SAs of these algorithms and keys.def's keys.
import { endNodeAlgorithmCases } from '../vocabulary/ipsec-algorithm-cases.js';

export const cases = endNodeAlgorithmCases(6);
