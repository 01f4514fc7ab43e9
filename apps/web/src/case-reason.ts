// A case's reason, split the way the conformance engine writes it: `expected X; seen Y (RFC ...)`.
import { caseCatalogue, sections } from '@testlab/engine-builtin';

export interface ReasonParts {
  expected: string | null;
  seen: string | null;
  rfc: string | null;
}

const SHAPE = /^expected (.*); seen (.*) \(([^()]*)\)$/s;

export function splitReason(reason: string, caseId: string): ReasonParts {
  const m = SHAPE.exec(reason);
  const known = caseCatalogue.get(caseId)?.rfc ?? null;
  if (!m) return { expected: null, seen: null, rfc: known };
  return { expected: m[1] ?? null, seen: m[2] ?? null, rfc: m[3] ?? known };
}

/** The Ready Logo section of a `v6LC.N.…` id, with its RFC and title. */
export function sectionOf(caseId: string): { number: number; rfc: string; title: string } | null {
  const m = /^v6LC\.([0-9]+)\./.exec(caseId);
  if (!m) return null;
  const s = sections.find((x) => x.number === Number(m[1]));
  return s ? { number: s.number, rfc: s.rfc, title: s.title } : null;
}

export const sectionChoices = sections.map((s) => ({ number: s.number, label: `${s.number}: ${s.rfc} ${s.title}` }));
