// Placeholder driver for physical NUTs reached through a tester interface; the real one will
// open an AF_PACKET socket on `ifname` and replace this file.
import type { Link, LinkEndpoint } from '@testlab/core';

export type RawInterfaceEndpoint = Extract<LinkEndpoint, { kind: 'raw-interface' }>;

export async function openRawInterfaceLink(name: string, endpoint: RawInterfaceEndpoint): Promise<Link> {
  throw new Error(`${name}: not implemented yet: raw-interface links need AF_PACKET (interface ${endpoint.ifname})`);
}
