// Protocol numbers IPsec needs that @testlab/packet's NextHeader table does not name.

/** An IPv6 packet inside another (RFC 2473): what tunnel-mode ESP and AH carry. */
export const IPV6_IN_IPV6 = 41;
