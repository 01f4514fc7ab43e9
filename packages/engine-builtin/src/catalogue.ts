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
import { cases as v6LC_2_1_7 } from './cases/v6LC.2.1.7.js';
import { cases as v6LC_2_1_8 } from './cases/v6LC.2.1.8.js';
import { cases as v6LC_2_1_9 } from './cases/v6LC.2.1.9.js';
import { cases as v6LC_2_1_10 } from './cases/v6LC.2.1.10.js';
import { cases as v6LC_2_1_11 } from './cases/v6LC.2.1.11.js';
import { cases as v6LC_2_1_12 } from './cases/v6LC.2.1.12.js';
import { cases as v6LC_2_1_15 } from './cases/v6LC.2.1.15.js';
import { cases as v6LC_2_1_16 } from './cases/v6LC.2.1.16.js';
import { cases as v6LC_2_1_17 } from './cases/v6LC.2.1.17.js';
import { cases as v6LC_2_1_18 } from './cases/v6LC.2.1.18.js';
import { cases as v6LC_2_1_19 } from './cases/v6LC.2.1.19.js';
import { cases as v6LC_2_1_20 } from './cases/v6LC.2.1.20.js';
import { cases as v6LC_2_2_1 } from './cases/v6LC.2.2.1.js';
import { cases as v6LC_2_2_2 } from './cases/v6LC.2.2.2.js';
import { cases as v6LC_2_2_3 } from './cases/v6LC.2.2.3.js';
import { cases as v6LC_2_2_5 } from './cases/v6LC.2.2.5.js';
import { cases as v6LC_2_2_12 } from './cases/v6LC.2.2.12.js';
import { cases as v6LC_2_2_13 } from './cases/v6LC.2.2.13.js';
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
  v6LC_2_1_7,
  v6LC_2_1_8,
  v6LC_2_1_9,
  v6LC_2_1_10,
  v6LC_2_1_11,
  v6LC_2_1_12,
  v6LC_2_1_15,
  v6LC_2_1_16,
  v6LC_2_1_17,
  v6LC_2_1_18,
  v6LC_2_1_19,
  v6LC_2_1_20,
  v6LC_2_2_1,
  v6LC_2_2_2,
  v6LC_2_2_3,
  v6LC_2_2_5,
  v6LC_2_2_12,
  v6LC_2_2_13,
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
