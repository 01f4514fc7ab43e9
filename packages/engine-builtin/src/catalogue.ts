// Every case the built-in engine implements, by Ready Logo id: the one list test sets are checked against.
// Each section keeps its own list (cases/rfcNNNN.ts), in INDEX order.
import type { CaseDefinition } from './runner/case.js';
import { rfc8200Cases } from './cases/rfc8200.js';
import { rfc4861Cases } from './cases/rfc4861.js';
import { rfc4862Cases } from './cases/rfc4862.js';
import { rfc8201Cases } from './cases/rfc8201.js';
import { rfc4443Cases } from './cases/rfc4443.js';

export const sections = [
  { number: 1, rfc: 'RFC 8200', title: 'IPv6 Specification', cases: rfc8200Cases },
  { number: 2, rfc: 'RFC 4861', title: 'Neighbor Discovery', cases: rfc4861Cases },
  { number: 3, rfc: 'RFC 4862', title: 'Stateless Address Autoconfiguration', cases: rfc4862Cases },
  { number: 4, rfc: 'RFC 8201', title: 'Path MTU Discovery', cases: rfc8201Cases },
  { number: 5, rfc: 'RFC 4443', title: 'ICMPv6', cases: rfc4443Cases },
] as const;

// IPv6 Ready Phase-2 IPsec (IPsec_Self_Test_P2): one file per test id, each exporting `cases` (the ICMPv6
// test and its UDP repetition), in INDEX order: end node (5.x), then security gateway (6.x).
import { cases as ipsec_5_1_1 } from './cases/IPsec.5.1.1.js';
import { cases as ipsec_5_1_2 } from './cases/IPsec.5.1.2.js';
import { cases as ipsec_5_1_3 } from './cases/IPsec.5.1.3.js';
import { cases as ipsec_5_1_4 } from './cases/IPsec.5.1.4.js';
import { cases as ipsec_5_1_5 } from './cases/IPsec.5.1.5.js';
import { cases as ipsec_5_1_6 } from './cases/IPsec.5.1.6.js';
import { cases as ipsec_5_1_7 } from './cases/IPsec.5.1.7.js';
import { cases as ipsec_5_1_8 } from './cases/IPsec.5.1.8.js';
import { cases as ipsec_5_1_9 } from './cases/IPsec.5.1.9.js';
import { cases as ipsec_5_1_10 } from './cases/IPsec.5.1.10.js';
import { cases as ipsec_5_1_11 } from './cases/IPsec.5.1.11.js';
import { cases as ipsec_5_2_1 } from './cases/IPsec.5.2.1.js';
import { cases as ipsec_5_2_2 } from './cases/IPsec.5.2.2.js';
import { cases as ipsec_5_2_3 } from './cases/IPsec.5.2.3.js';
import { cases as ipsec_5_2_4 } from './cases/IPsec.5.2.4.js';
import { cases as ipsec_5_2_5 } from './cases/IPsec.5.2.5.js';
import { cases as ipsec_5_2_6 } from './cases/IPsec.5.2.6.js';
import { cases as ipsec_5_2_7 } from './cases/IPsec.5.2.7.js';
import { cases as ipsec_5_2_8 } from './cases/IPsec.5.2.8.js';
import { cases as ipsec_5_3_1 } from './cases/IPsec.5.3.1.js';
import { cases as ipsec_5_3_2 } from './cases/IPsec.5.3.2.js';
import { cases as ipsec_5_3_3 } from './cases/IPsec.5.3.3.js';
import { cases as ipsec_5_3_4 } from './cases/IPsec.5.3.4.js';
import { cases as ipsec_5_3_5 } from './cases/IPsec.5.3.5.js';
import { cases as ipsec_5_3_6 } from './cases/IPsec.5.3.6.js';
import { cases as ipsec_6_1_1 } from './cases/IPsec.6.1.1.js';
import { cases as ipsec_6_1_2 } from './cases/IPsec.6.1.2.js';
import { cases as ipsec_6_1_3 } from './cases/IPsec.6.1.3.js';
import { cases as ipsec_6_1_4 } from './cases/IPsec.6.1.4.js';
import { cases as ipsec_6_1_5 } from './cases/IPsec.6.1.5.js';
import { cases as ipsec_6_1_6 } from './cases/IPsec.6.1.6.js';
import { cases as ipsec_6_1_7 } from './cases/IPsec.6.1.7.js';
import { cases as ipsec_6_1_8 } from './cases/IPsec.6.1.8.js';
import { cases as ipsec_6_1_9 } from './cases/IPsec.6.1.9.js';
import { cases as ipsec_6_1_10 } from './cases/IPsec.6.1.10.js';
import { cases as ipsec_6_1_11 } from './cases/IPsec.6.1.11.js';
import { cases as ipsec_6_1_12 } from './cases/IPsec.6.1.12.js';
import { cases as ipsec_6_1_13 } from './cases/IPsec.6.1.13.js';
import { cases as ipsec_6_1_14 } from './cases/IPsec.6.1.14.js';
import { cases as ipsec_6_2_1 } from './cases/IPsec.6.2.1.js';
import { cases as ipsec_6_2_2 } from './cases/IPsec.6.2.2.js';
import { cases as ipsec_6_2_3 } from './cases/IPsec.6.2.3.js';
import { cases as ipsec_6_2_4 } from './cases/IPsec.6.2.4.js';
import { cases as ipsec_6_2_5 } from './cases/IPsec.6.2.5.js';
import { cases as ipsec_6_2_6 } from './cases/IPsec.6.2.6.js';
import { cases as ipsec_6_2_7 } from './cases/IPsec.6.2.7.js';
import { cases as ipsec_6_2_8 } from './cases/IPsec.6.2.8.js';

const ipsecCases: CaseDefinition[] = [
  ...ipsec_5_1_1,
  ...ipsec_5_1_2,
  ...ipsec_5_1_3,
  ...ipsec_5_1_4,
  ...ipsec_5_1_5,
  ...ipsec_5_1_6,
  ...ipsec_5_1_7,
  ...ipsec_5_1_8,
  ...ipsec_5_1_9,
  ...ipsec_5_1_10,
  ...ipsec_5_1_11,
  ...ipsec_5_2_1,
  ...ipsec_5_2_2,
  ...ipsec_5_2_3,
  ...ipsec_5_2_4,
  ...ipsec_5_2_5,
  ...ipsec_5_2_6,
  ...ipsec_5_2_7,
  ...ipsec_5_2_8,
  ...ipsec_5_3_1,
  ...ipsec_5_3_2,
  ...ipsec_5_3_3,
  ...ipsec_5_3_4,
  ...ipsec_5_3_5,
  ...ipsec_5_3_6,
  ...ipsec_6_1_1,
  ...ipsec_6_1_2,
  ...ipsec_6_1_3,
  ...ipsec_6_1_4,
  ...ipsec_6_1_5,
  ...ipsec_6_1_6,
  ...ipsec_6_1_7,
  ...ipsec_6_1_8,
  ...ipsec_6_1_9,
  ...ipsec_6_1_10,
  ...ipsec_6_1_11,
  ...ipsec_6_1_12,
  ...ipsec_6_1_13,
  ...ipsec_6_1_14,
  ...ipsec_6_2_1,
  ...ipsec_6_2_2,
  ...ipsec_6_2_3,
  ...ipsec_6_2_4,
  ...ipsec_6_2_5,
  ...ipsec_6_2_6,
  ...ipsec_6_2_7,
  ...ipsec_6_2_8,
];

// The IPsec tests are no Core section (v6LC.N); they follow the sections' cases.
const all: CaseDefinition[] = [...sections.flatMap((s) => s.cases), ...ipsecCases];
const duplicate = all.find((c, i) => all.findIndex((d) => d.id === c.id) !== i);
if (duplicate) throw new Error(`case ${duplicate.id} is registered twice`);

export const caseCatalogue: ReadonlyMap<string, CaseDefinition> = new Map(all.map((c) => [c.id, c]));
