// The tester's nodes on the test links: TAHI's TN1 and TR1 as simulated nodes (which answer the NUT's
// address resolution themselves), nodes with MACs of a case's own, and bare nodes a case drives by hand.
import { normalizeIpv6, linkLocalFromMac } from '@testlab/packet';

/** TAHI's TN1 on Link0 (tn.def): a made-up MAC whose EUI-64 link-local is fe80::200:ff:fe00:100. */
export const TN1 = { name: 'TN1', mac: '00:00:00:00:01:00' } as const;

/** TAHI's TR1 on Link0, the router the tester plays for host NUTs (RA sender, default router): its NAs say R. */
export const TR1 = { name: 'TR1', mac: '00:00:00:00:a0:a0', isRouter: true } as const;

/** A tester node with its own MAC (and so its own EUI-64 address): distinct peers keep ICMPv6 rate limits and PMTU state apart. */
export function tnWithMac(name: string, lastBytes: number): { name: string; mac: string } {
  const hi = (lastBytes >> 8) & 0xff;
  const lo = lastBytes & 0xff;
  return { name, mac: `00:00:00:00:${hi.toString(16).padStart(2, '0')}:${lo.toString(16).padStart(2, '0')}` };
}

/** A tester node the case drives by hand: its NS/NA answers are the subject of the test. */
export interface BareNode {
  name: string;
  mac: string;
  address: string;
}

export function bareNode(name: string, mac: string, address?: string): BareNode {
  return { name, mac, address: normalizeIpv6(address ?? linkLocalFromMac(mac)) };
}

/** TN1 of the ND cases, and the other link-layer address it claims in "different SLLA/TLLA" parts. */
export const ND_TN1 = bareNode('TN1', '00:00:00:00:01:00');
export const OTHER_MAC = '00:00:00:00:01:99';

/** TR1, the router the tester plays for RA cases. */
export const ND_TR1 = bareNode('TR1', '00:00:00:00:a0:a0');
