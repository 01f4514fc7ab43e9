// Puts a booted NUT into its test set's mode (TAHI's NUT setup), over its management connection: the NUT
// drivers boot a kernel with the set's sysctls and know nothing of modes; the builtin engine calls this on
// every NUT it is given. Hosts need nothing beyond the sysctls given at boot; routers get addresses and
// radvd; IPsec end nodes and security gateways get TAHI's IPsec addresses and routes (modes/ipsec.ts).
import type { BootedNut, NutMode } from '@testlab/core';
import type { BuiltinSection } from '../section.js';
import { setUpIpsecEndNode, setUpSecurityGateway } from './ipsec.js';
import { setUpRouter } from './router.js';

export { radvdConfig, routerAddress } from './router.js';

/** Returns the setup log (commands run), evidence for the run. */
export async function bootIntoMode(nut: BootedNut, mode: NutMode, settings: BuiltinSection = {}): Promise<string[]> {
  switch (mode) {
    case 'host':
      return [];
    case 'ipsec-end-node':
      return setUpIpsecEndNode(nut);
    case 'router':
      return setUpRouter(nut, settings.radvd);
    case 'security-gateway':
      return setUpSecurityGateway(nut);
  }
}
