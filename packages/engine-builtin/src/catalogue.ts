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

const all: CaseDefinition[] = sections.flatMap((s) => s.cases);
const duplicate = all.find((c, i) => all.findIndex((d) => d.id === c.id) !== i);
if (duplicate) throw new Error(`case ${duplicate.id} is registered twice`);

export const caseCatalogue: ReadonlyMap<string, CaseDefinition> = new Map(all.map((c) => [c.id, c]));
