// v6LC.2.3.1 Redirected On-link: Valid (RFC 4861 §8.3, §4.6.1, §4.6.3): TR1 tells the host that off-link TN1
// is on Link0 after all (Target = Destination = TN1). The host must send TN1's next Echo Reply to TN1
// directly: resolving TN1 when the Redirect has no TLLA, using the TLLA (TN1 stays silent) when it has one.
import type { CaseDefinition } from '../runner/case.js';
import { redirectFollowed } from '../vocabulary/redirect-followed.js';
import { quoting, tlla } from '../vocabulary/redirect-messages.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const TEST = 'Redirected On-link: Valid (Hosts Only)';

const part = (letter: string, withTlla: boolean, withQuote: boolean): CaseDefinition =>
  redirectFollowed({
    id: `v6LC.2.3.1-${letter}`,
    title: `${TEST}: Part ${letter}: dst=global, ${withTlla ? 'w/' : 'w/o'} TLL, ${withQuote ? 'w/' : 'w/o'} Redirected Header`,
    what: `an on-link Redirect ${withTlla ? 'with' : 'without'} TLLA and ${withQuote ? 'with' : 'without'} Redirected Header`,
    to: 'on-link',
    options: (before) => [...(withTlla ? [tlla(TN1.mac)] : []), ...(withQuote ? [quoting(before)] : [])],
  });

export const cases: CaseDefinition[] = [part('A', false, false), part('B', false, true), part('C', true, false), part('D', true, true)];
