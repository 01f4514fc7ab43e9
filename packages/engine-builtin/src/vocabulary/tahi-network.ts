// TAHI's test network: the global prefixes of Link0 and Link1, the off-link network behind TR1, and the
// MTUs of the test links.

/** TAHI's global prefixes: Link0 and Link1 of a router NUT; hosts learn the Link0 one from TR1's RA. */
export const LINK0_PREFIX = '3ffe:501:ffff:100::';
export const LINK1_PREFIX = '3ffe:501:ffff:101::';
/** An off-link network behind TR1 (TAHI's "off-link" nodes). */
export const OFF_LINK_PREFIX = '3ffe:501:ffff:109::';

/** IPv6 minimum link MTU (RFC 8200 §5) and the Ethernet MTU of the test links. */
export const MIN_MTU = 1280;
export const ETHERNET_MTU = 1500;
