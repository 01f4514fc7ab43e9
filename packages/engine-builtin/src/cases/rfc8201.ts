// Section 4, RFC 8201: path MTU discovery, in INDEX order (v6LC.4.1.1-A ... v6LC.4.1.8).
import type { CaseDefinition } from '../runner/case.js';
import { pmtuCases, raMtuOption, reducePmtuOffLink } from './v6LC.4.1.js';

const indexOrder = (id: string): number[] => id.replace('v6LC.', '').split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x.charCodeAt(0)));
const byIndexOrder = (a: CaseDefinition, b: CaseDefinition): number => {
  const [x, y] = [indexOrder(a.id), indexOrder(b.id)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
};

export const rfc8201Cases: CaseDefinition[] = [...pmtuCases, reducePmtuOffLink, raMtuOption].sort(byIndexOrder);
