// The bytes TAHI's IPsec scripts put where a field is wrong or extra on purpose, shared by the end-node
// and security-gateway tests that send them.
import { fromHex } from '@testlab/packet';

/** TAHI's dummy data (the No Next Header tests' part b) and TFC padding: hexstr("0123456789abcdef"). */
export const DUMMY_TFC = fromHex('0123456789abcdef');

/** An ICV that cannot be the right one (IPsec.5.1.11, 6.1.13): `length` octets of 0xaa. */
export const BAD_ICV = (length: number): Uint8Array => new Uint8Array(length).fill(0xaa);
