// @testlab/packet: the tester's packet layer. Encoders accept wrong values on purpose;
// decoders never throw and list what is wrong in `errors`.
export * from './addr.js';
export { concatBytes, fromHex, hex, onesComplementSum, pseudoHeaderSum, upperLayerChecksum, upperLayerChecksumOk } from './bytes.js';
export * from './ethernet.js';
export * from './ipv6.js';
export * from './extension-headers.js';
export * from './nd-options.js';
export * from './icmpv6-types.js';
export { encodeIcmpv6, defaultHopLimit } from './icmpv6-encode.js';
export { decodeIcmpv6 } from './icmpv6-decode.js';
export * from './udp.js';
export * from './packet.js';
export * from './frame.js';
export * from './describe.js';
export * from './pcap.js';
