// Which NUT modes a case applies to (its `appliesTo`); elsewhere its verdict is NA without running.

/** Every NUT mode: the tests every IPv6 node must pass. */
export const ALL_MODES = ['host', 'router', 'ipsec-end-node', 'security-gateway'] as const;

/** TAHI's "Hosts Only". */
export const HOST_MODES = ['host', 'ipsec-end-node'] as const;

/** TAHI's "Routers Only" for the forwarding cases. */
export const ROUTER_MODES = ['router'] as const;
