// v6LC.2.3.4 Redirected to Alternate Router: Valid (RFC 4861 §8.3, §4.6.1, §4.6.3): TR1 names TR2 (whose
// entry is REACHABLE) as the better first hop for off-link TN1; the host sends TN1's next Echo Reply to TR2.
import type { CaseDefinition } from '../runner/case.js';
import { redirectFollowed } from '../vocabulary/redirect-followed.js';
import { quoting, tlla } from '../vocabulary/redirect-messages.js';
import { TR2 } from '../vocabulary/redirect-network.js';

const TEST = 'Redirected to Alternate Router: Valid (Hosts Only)';

const part = (letter: string, withTlla: boolean, withQuote: boolean): CaseDefinition =>
  redirectFollowed({
    id: `v6LC.2.3.4-${letter}`,
    title: `${TEST}: Part ${letter}: dst=global, ${withTlla ? 'w/' : 'w/o'} TLL, ${withQuote ? 'w/' : 'w/o'} Redirected Header`,
    what: `a Redirect to TR2 ${withTlla ? 'with' : 'without'} TLLA and ${withQuote ? 'with' : 'without'} Redirected Header`,
    to: 'TR2',
    options: (before) => [...(withTlla ? [tlla(TR2.mac)] : []), ...(withQuote ? [quoting(before)] : [])],
  });

export const cases: CaseDefinition[] = [part('A', false, false), part('B', false, true), part('C', true, false), part('D', true, true)];
