// IPsec.6.2.4 SGW tunnel mode, ESP=AES-CBC(128-bit) HMAC-SHA1 (p2_SGW_E_Common.seq): one exchange each way through SGW1's tunnel
// with SAs of these algorithms and keys.def's keys.
import { sgwAlgorithmCases } from '../vocabulary/ipsec-algorithm-cases.js';

export const cases = sgwAlgorithmCases(4);
