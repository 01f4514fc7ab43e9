// v6LC.2.3.8 Invalid Option (RFC 4861 §8.1, RFC 4443 §2.4): options that do not belong in a Redirect (Path
// MTU, Prefix Information, Source Link-layer Address) are ignored, and the rest of the Redirect processed:
// TN1's next Echo Reply goes to TR2.
import type { CaseDefinition } from '../runner/case.js';
import type { NdOptionSpec } from '@testlab/packet';
import { redirectFollowed } from '../vocabulary/redirect-followed.js';
import { tlla } from '../vocabulary/redirect-messages.js';
import { TR2 } from '../vocabulary/redirect-network.js';
import { ETHERNET_MTU, LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { TR1 } from '../vocabulary/tester-nodes.js';

const TEST = 'Invalid Option (Hosts Only)';

const part = (letter: string, partTitle: string, what: string, option: NdOptionSpec): CaseDefinition =>
  redirectFollowed({ id: `v6LC.2.3.8-${letter}`, title: `${TEST}: Part ${letter}: ${partTitle}`, what: `a Redirect to TR2 with ${what}`, to: 'TR2', options: () => [option, tlla(TR2.mac)] });

export const cases: CaseDefinition[] = [
  part('A', 'Path MTU Option', 'an MTU option', { type: 'mtu', mtu: ETHERNET_MTU }),
  part('B', 'Prefix Information Option', 'a Prefix Information option', { type: 'prefix-info', prefix: LINK0_PREFIX, prefixLength: 64, onLink: true, autonomous: true, validLifetime: 2592000, preferredLifetime: 604800 }),
  part('C', 'Source Link-layer Address Option', "a Source Link-layer Address option (TR1's)", { type: 'source-lla', mac: TR1.mac }),
];
