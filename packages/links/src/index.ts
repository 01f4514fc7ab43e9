// @testlab/links: drivers for the `Link` contract of @testlab/core, chosen by endpoint kind.
// Kept free of packet parsing: a link moves whole frames and nothing else.
import type { Link, LinkEndpoint } from '@testlab/core';
import { openRawInterfaceLink } from './raw-interface.js';
import { openUdpEthernetLink } from './udp-ethernet.js';

export { openRawInterfaceLink, type RawInterfaceEndpoint } from './raw-interface.js';
export { openUdpEthernetLink, UdpEthernetLink, type UdpEthernetEndpoint } from './udp-ethernet.js';

/** Opens test link `name` (`Link0`...) with the driver for `endpoint.kind`. */
export function openLink(name: string, endpoint: LinkEndpoint): Promise<Link> {
  switch (endpoint.kind) {
    case 'udp-ethernet':
      return openUdpEthernetLink(name, endpoint);
    case 'raw-interface':
      return openRawInterfaceLink(name, endpoint);
    default: {
      const unknown: never = endpoint;
      return Promise.reject(new Error(`${name}: no link driver for endpoint ${JSON.stringify(unknown)}`));
    }
  }
}
