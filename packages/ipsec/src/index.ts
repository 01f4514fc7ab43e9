// @testlab/ipsec: ESP and AH for the tester node. Encoders accept wrong values on purpose;
// decoders never throw and list what is wrong.
export { asciiKey, hex32 } from './bytes.js';
export { aesXcbcMac } from './aes-xcbc.js';
export * from './encryption.js';
export * from './integrity.js';
export * from './sa.js';
export * from './replay-window.js';
export * from './esp-seal.js';
export * from './esp-packet.js';
export * from './esp-open.js';
export * from './esp-decode.js';
export { ahIcvInput } from './ah-icv.js';
export * from './ah.js';
export * from './inbound.js';
export * from './protocols.js';
export * from './wireshark.js';
