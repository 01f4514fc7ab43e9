// IPsec.6.2.3 SGW tunnel mode, ESP=3DES-CBC HMAC-NULL (p2_SGW_E_Common.seq): one exchange each way through SGW1's tunnel
// with SAs of these algorithms and keys.def's keys.
import { sgwAlgorithmCases } from '../vocabulary/ipsec-algorithm-cases.js';

export const cases = sgwAlgorithmCases(3);
