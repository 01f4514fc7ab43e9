// Every case the built-in engine implements, by Ready Logo id: the one list test sets are checked against.
// Where a case lives: every part of test v6LC.X.Y.Z in cases/v6LC.X.Y.Z.ts, exported as `cases`. One import
// line per case file, in numeric id order (1.1.9 before 1.1.10), and `byTest` in the same order; the
// sections are cut from that by the number in each id. test/case-files.test.ts checks the rule.
import type { CaseDefinition } from './runner/case.js';
import { cases as v6LC_1_1_1 } from './cases/v6LC.1.1.1.js';
import { cases as v6LC_1_1_2 } from './cases/v6LC.1.1.2.js';
import { cases as v6LC_1_1_3 } from './cases/v6LC.1.1.3.js';
import { cases as v6LC_1_1_4 } from './cases/v6LC.1.1.4.js';
import { cases as v6LC_1_1_5 } from './cases/v6LC.1.1.5.js';
import { cases as v6LC_1_1_6 } from './cases/v6LC.1.1.6.js';
import { cases as v6LC_1_1_7 } from './cases/v6LC.1.1.7.js';
import { cases as v6LC_1_1_8 } from './cases/v6LC.1.1.8.js';
import { cases as v6LC_1_1_9 } from './cases/v6LC.1.1.9.js';
import { cases as v6LC_1_1_10 } from './cases/v6LC.1.1.10.js';
import { cases as v6LC_1_1_11 } from './cases/v6LC.1.1.11.js';
import { cases as v6LC_1_2_1 } from './cases/v6LC.1.2.1.js';
import { cases as v6LC_1_2_2 } from './cases/v6LC.1.2.2.js';
import { cases as v6LC_1_2_3 } from './cases/v6LC.1.2.3.js';
import { cases as v6LC_1_2_4 } from './cases/v6LC.1.2.4.js';
import { cases as v6LC_1_2_5 } from './cases/v6LC.1.2.5.js';
import { cases as v6LC_1_2_6 } from './cases/v6LC.1.2.6.js';
import { cases as v6LC_1_2_7 } from './cases/v6LC.1.2.7.js';
import { cases as v6LC_1_2_8 } from './cases/v6LC.1.2.8.js';
import { cases as v6LC_1_2_9 } from './cases/v6LC.1.2.9.js';
import { cases as v6LC_1_2_10 } from './cases/v6LC.1.2.10.js';
import { cases as v6LC_1_3_1 } from './cases/v6LC.1.3.1.js';
import { cases as v6LC_1_3_2 } from './cases/v6LC.1.3.2.js';
import { cases as v6LC_1_3_3 } from './cases/v6LC.1.3.3.js';
import { cases as v6LC_1_3_4 } from './cases/v6LC.1.3.4.js';
import { cases as v6LC_1_3_5 } from './cases/v6LC.1.3.5.js';
import { cases as v6LC_1_3_6 } from './cases/v6LC.1.3.6.js';
import { cases as v6LC_2_1_1 } from './cases/v6LC.2.1.1.js';
import { cases as v6LC_2_1_2 } from './cases/v6LC.2.1.2.js';
import { cases as v6LC_2_1_3 } from './cases/v6LC.2.1.3.js';
import { cases as v6LC_2_1_4 } from './cases/v6LC.2.1.4.js';
import { cases as v6LC_2_1_5 } from './cases/v6LC.2.1.5.js';
import { cases as v6LC_2_1_6 } from './cases/v6LC.2.1.6.js';
import { cases as v6LC_2_1_7 } from './cases/v6LC.2.1.7.js';
import { cases as v6LC_2_1_8 } from './cases/v6LC.2.1.8.js';
import { cases as v6LC_2_1_9 } from './cases/v6LC.2.1.9.js';
import { cases as v6LC_2_1_10 } from './cases/v6LC.2.1.10.js';
import { cases as v6LC_2_1_11 } from './cases/v6LC.2.1.11.js';
import { cases as v6LC_2_1_12 } from './cases/v6LC.2.1.12.js';
import { cases as v6LC_2_1_13 } from './cases/v6LC.2.1.13.js';
import { cases as v6LC_2_1_14 } from './cases/v6LC.2.1.14.js';
import { cases as v6LC_2_1_15 } from './cases/v6LC.2.1.15.js';
import { cases as v6LC_2_1_16 } from './cases/v6LC.2.1.16.js';
import { cases as v6LC_2_1_17 } from './cases/v6LC.2.1.17.js';
import { cases as v6LC_2_1_18 } from './cases/v6LC.2.1.18.js';
import { cases as v6LC_2_1_19 } from './cases/v6LC.2.1.19.js';
import { cases as v6LC_2_1_20 } from './cases/v6LC.2.1.20.js';
import { cases as v6LC_2_1_21 } from './cases/v6LC.2.1.21.js';
import { cases as v6LC_2_1_22 } from './cases/v6LC.2.1.22.js';
import { cases as v6LC_2_1_23 } from './cases/v6LC.2.1.23.js';
import { cases as v6LC_2_2_1 } from './cases/v6LC.2.2.1.js';
import { cases as v6LC_2_2_2 } from './cases/v6LC.2.2.2.js';
import { cases as v6LC_2_2_3 } from './cases/v6LC.2.2.3.js';
import { cases as v6LC_2_2_4 } from './cases/v6LC.2.2.4.js';
import { cases as v6LC_2_2_5 } from './cases/v6LC.2.2.5.js';
import { cases as v6LC_2_2_6 } from './cases/v6LC.2.2.6.js';
import { cases as v6LC_2_2_7 } from './cases/v6LC.2.2.7.js';
import { cases as v6LC_2_2_8 } from './cases/v6LC.2.2.8.js';
import { cases as v6LC_2_2_9 } from './cases/v6LC.2.2.9.js';
import { cases as v6LC_2_2_10 } from './cases/v6LC.2.2.10.js';
import { cases as v6LC_2_2_11 } from './cases/v6LC.2.2.11.js';
import { cases as v6LC_2_2_12 } from './cases/v6LC.2.2.12.js';
import { cases as v6LC_2_2_13 } from './cases/v6LC.2.2.13.js';
import { cases as v6LC_2_2_14 } from './cases/v6LC.2.2.14.js';
import { cases as v6LC_2_2_15 } from './cases/v6LC.2.2.15.js';
import { cases as v6LC_2_2_16 } from './cases/v6LC.2.2.16.js';
import { cases as v6LC_2_2_17 } from './cases/v6LC.2.2.17.js';
import { cases as v6LC_2_2_18 } from './cases/v6LC.2.2.18.js';
import { cases as v6LC_2_2_19 } from './cases/v6LC.2.2.19.js';
import { cases as v6LC_2_2_20 } from './cases/v6LC.2.2.20.js';
import { cases as v6LC_2_2_21 } from './cases/v6LC.2.2.21.js';
import { cases as v6LC_2_2_22 } from './cases/v6LC.2.2.22.js';
import { cases as v6LC_2_2_23 } from './cases/v6LC.2.2.23.js';
import { cases as v6LC_2_2_24 } from './cases/v6LC.2.2.24.js';
import { cases as v6LC_2_2_25 } from './cases/v6LC.2.2.25.js';
import { cases as v6LC_2_2_26 } from './cases/v6LC.2.2.26.js';
import { cases as v6LC_2_2_27 } from './cases/v6LC.2.2.27.js';
import { cases as v6LC_2_3_1 } from './cases/v6LC.2.3.1.js';
import { cases as v6LC_2_3_2 } from './cases/v6LC.2.3.2.js';
import { cases as v6LC_2_3_3 } from './cases/v6LC.2.3.3.js';
import { cases as v6LC_2_3_4 } from './cases/v6LC.2.3.4.js';
import { cases as v6LC_2_3_5 } from './cases/v6LC.2.3.5.js';
import { cases as v6LC_2_3_6 } from './cases/v6LC.2.3.6.js';
import { cases as v6LC_2_3_7 } from './cases/v6LC.2.3.7.js';
import { cases as v6LC_2_3_8 } from './cases/v6LC.2.3.8.js';
import { cases as v6LC_2_3_9 } from './cases/v6LC.2.3.9.js';
import { cases as v6LC_2_3_10 } from './cases/v6LC.2.3.10.js';
import { cases as v6LC_2_3_11 } from './cases/v6LC.2.3.11.js';
import { cases as v6LC_2_3_12 } from './cases/v6LC.2.3.12.js';
import { cases as v6LC_2_3_13 } from './cases/v6LC.2.3.13.js';
import { cases as v6LC_2_3_14 } from './cases/v6LC.2.3.14.js';
import { cases as v6LC_2_3_15 } from './cases/v6LC.2.3.15.js';
import { cases as v6LC_2_3_16 } from './cases/v6LC.2.3.16.js';
import { cases as v6LC_2_3_17 } from './cases/v6LC.2.3.17.js';
import { cases as v6LC_2_3_18 } from './cases/v6LC.2.3.18.js';
import { cases as v6LC_2_3_19 } from './cases/v6LC.2.3.19.js';
import { cases as v6LC_3_1_1 } from './cases/v6LC.3.1.1.js';
import { cases as v6LC_3_1_2 } from './cases/v6LC.3.1.2.js';
import { cases as v6LC_3_1_3 } from './cases/v6LC.3.1.3.js';
import { cases as v6LC_3_1_4 } from './cases/v6LC.3.1.4.js';
import { cases as v6LC_3_1_5 } from './cases/v6LC.3.1.5.js';
import { cases as v6LC_3_2_1 } from './cases/v6LC.3.2.1.js';
import { cases as v6LC_3_2_2 } from './cases/v6LC.3.2.2.js';
import { cases as v6LC_3_2_3 } from './cases/v6LC.3.2.3.js';
import { cases as v6LC_3_2_4 } from './cases/v6LC.3.2.4.js';
import { cases as v6LC_3_2_5 } from './cases/v6LC.3.2.5.js';
import { cases as v6LC_3_2_6 } from './cases/v6LC.3.2.6.js';
import { cases as v6LC_3_2_7 } from './cases/v6LC.3.2.7.js';
import { cases as v6LC_4_1_1 } from './cases/v6LC.4.1.1.js';
import { cases as v6LC_4_1_2 } from './cases/v6LC.4.1.2.js';
import { cases as v6LC_4_1_3 } from './cases/v6LC.4.1.3.js';
import { cases as v6LC_4_1_4 } from './cases/v6LC.4.1.4.js';
import { cases as v6LC_4_1_5 } from './cases/v6LC.4.1.5.js';
import { cases as v6LC_4_1_6 } from './cases/v6LC.4.1.6.js';
import { cases as v6LC_4_1_7 } from './cases/v6LC.4.1.7.js';
import { cases as v6LC_4_1_8 } from './cases/v6LC.4.1.8.js';
import { cases as v6LC_4_1_9 } from './cases/v6LC.4.1.9.js';
import { cases as v6LC_4_1_10 } from './cases/v6LC.4.1.10.js';
import { cases as v6LC_4_1_11 } from './cases/v6LC.4.1.11.js';
import { cases as v6LC_4_1_12 } from './cases/v6LC.4.1.12.js';
import { cases as v6LC_5_1_1 } from './cases/v6LC.5.1.1.js';
import { cases as v6LC_5_1_2 } from './cases/v6LC.5.1.2.js';
import { cases as v6LC_5_1_3 } from './cases/v6LC.5.1.3.js';
import { cases as v6LC_5_1_4 } from './cases/v6LC.5.1.4.js';
import { cases as v6LC_5_1_5 } from './cases/v6LC.5.1.5.js';
import { cases as v6LC_5_1_6 } from './cases/v6LC.5.1.6.js';
import { cases as v6LC_5_1_7 } from './cases/v6LC.5.1.7.js';
import { cases as v6LC_5_1_8 } from './cases/v6LC.5.1.8.js';
import { cases as v6LC_5_1_9 } from './cases/v6LC.5.1.9.js';
import { cases as v6LC_5_1_10 } from './cases/v6LC.5.1.10.js';
import { cases as v6LC_5_1_11 } from './cases/v6LC.5.1.11.js';
import { cases as v6LC_5_1_12 } from './cases/v6LC.5.1.12.js';
import { cases as v6LC_5_1_13 } from './cases/v6LC.5.1.13.js';

const byTest: CaseDefinition[][] = [
  v6LC_1_1_1,
  v6LC_1_1_2,
  v6LC_1_1_3,
  v6LC_1_1_4,
  v6LC_1_1_5,
  v6LC_1_1_6,
  v6LC_1_1_7,
  v6LC_1_1_8,
  v6LC_1_1_9,
  v6LC_1_1_10,
  v6LC_1_1_11,
  v6LC_1_2_1,
  v6LC_1_2_2,
  v6LC_1_2_3,
  v6LC_1_2_4,
  v6LC_1_2_5,
  v6LC_1_2_6,
  v6LC_1_2_7,
  v6LC_1_2_8,
  v6LC_1_2_9,
  v6LC_1_2_10,
  v6LC_1_3_1,
  v6LC_1_3_2,
  v6LC_1_3_3,
  v6LC_1_3_4,
  v6LC_1_3_5,
  v6LC_1_3_6,
  v6LC_2_1_1,
  v6LC_2_1_2,
  v6LC_2_1_3,
  v6LC_2_1_4,
  v6LC_2_1_5,
  v6LC_2_1_6,
  v6LC_2_1_7,
  v6LC_2_1_8,
  v6LC_2_1_9,
  v6LC_2_1_10,
  v6LC_2_1_11,
  v6LC_2_1_12,
  v6LC_2_1_13,
  v6LC_2_1_14,
  v6LC_2_1_15,
  v6LC_2_1_16,
  v6LC_2_1_17,
  v6LC_2_1_18,
  v6LC_2_1_19,
  v6LC_2_1_20,
  v6LC_2_1_21,
  v6LC_2_1_22,
  v6LC_2_1_23,
  v6LC_2_2_1,
  v6LC_2_2_2,
  v6LC_2_2_3,
  v6LC_2_2_4,
  v6LC_2_2_5,
  v6LC_2_2_6,
  v6LC_2_2_7,
  v6LC_2_2_8,
  v6LC_2_2_9,
  v6LC_2_2_10,
  v6LC_2_2_11,
  v6LC_2_2_12,
  v6LC_2_2_13,
  v6LC_2_2_14,
  v6LC_2_2_15,
  v6LC_2_2_16,
  v6LC_2_2_17,
  v6LC_2_2_18,
  v6LC_2_2_19,
  v6LC_2_2_20,
  v6LC_2_2_21,
  v6LC_2_2_22,
  v6LC_2_2_23,
  v6LC_2_2_24,
  v6LC_2_2_25,
  v6LC_2_2_26,
  v6LC_2_2_27,
  v6LC_2_3_1,
  v6LC_2_3_2,
  v6LC_2_3_3,
  v6LC_2_3_4,
  v6LC_2_3_5,
  v6LC_2_3_6,
  v6LC_2_3_7,
  v6LC_2_3_8,
  v6LC_2_3_9,
  v6LC_2_3_10,
  v6LC_2_3_11,
  v6LC_2_3_12,
  v6LC_2_3_13,
  v6LC_2_3_14,
  v6LC_2_3_15,
  v6LC_2_3_16,
  v6LC_2_3_17,
  v6LC_2_3_18,
  v6LC_2_3_19,
  v6LC_3_1_1,
  v6LC_3_1_2,
  v6LC_3_1_3,
  v6LC_3_1_4,
  v6LC_3_1_5,
  v6LC_3_2_1,
  v6LC_3_2_2,
  v6LC_3_2_3,
  v6LC_3_2_4,
  v6LC_3_2_5,
  v6LC_3_2_6,
  v6LC_3_2_7,
  v6LC_4_1_1,
  v6LC_4_1_2,
  v6LC_4_1_3,
  v6LC_4_1_4,
  v6LC_4_1_5,
  v6LC_4_1_6,
  v6LC_4_1_7,
  v6LC_4_1_8,
  v6LC_4_1_9,
  v6LC_4_1_10,
  v6LC_4_1_11,
  v6LC_4_1_12,
  v6LC_5_1_1,
  v6LC_5_1_2,
  v6LC_5_1_3,
  v6LC_5_1_4,
  v6LC_5_1_5,
  v6LC_5_1_6,
  v6LC_5_1_7,
  v6LC_5_1_8,
  v6LC_5_1_9,
  v6LC_5_1_10,
  v6LC_5_1_11,
  v6LC_5_1_12,
  v6LC_5_1_13,
];

const all: CaseDefinition[] = byTest.flat();
const duplicate = all.find((c, i) => all.findIndex((d) => d.id === c.id) !== i);
if (duplicate) throw new Error(`case ${duplicate.id} is registered twice`);

/** The cases of Ready Logo section `n` (ids `v6LC.<n>.…`), in id order. */
const inSection = (n: number): CaseDefinition[] => all.filter((c) => c.id.startsWith(`v6LC.${n}.`));

export const sections = [
  { number: 1, rfc: 'RFC 8200', title: 'IPv6 Specification', cases: inSection(1) },
  { number: 2, rfc: 'RFC 4861', title: 'Neighbor Discovery', cases: inSection(2) },
  { number: 3, rfc: 'RFC 4862', title: 'Stateless Address Autoconfiguration', cases: inSection(3) },
  { number: 4, rfc: 'RFC 8201', title: 'Path MTU Discovery', cases: inSection(4) },
  { number: 5, rfc: 'RFC 4443', title: 'ICMPv6', cases: inSection(5) },
] as const;

export const caseCatalogue: ReadonlyMap<string, CaseDefinition> = new Map(all.map((c) => [c.id, c]));
