// IPsec.5.x (IPsec_Self_Test_P2 end node) against the fake IPsec NUT: see fake-ipsec/case-tests.ts.
import { ipsecCaseTests } from './fake-ipsec/case-tests.js';

ipsecCaseTests('5');
