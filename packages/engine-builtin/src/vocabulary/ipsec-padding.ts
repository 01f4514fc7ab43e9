// TAHI's padding judgement of the NUT's ESP (p2_HTR_E_Padding.seq, p2_SGW_E_Padding.seq): a 7-octet echo
// payload needs at least 7 octets of padding with 3DES's 8-octet blocks, so the Pad Length must be
// 7..255 and payload + padding + 2 a whole number of blocks (RFC 4303 §2.4).
import type { InboundVerdict } from '@testlab/ipsec';

export function paddingProblem(v: InboundVerdict | undefined, blockSize = 8): string | undefined {
  const esp = v?.esp?.esp;
  if (!esp || esp.padLength === undefined || esp.payload === undefined) return 'no readable ESP trailer';
  const covered = esp.payload.length + esp.padLength + 2;
  if (esp.padLength < 7 || esp.padLength > 255) return `Pad Length ${esp.padLength}, not 7..255`;
  if (covered % blockSize !== 0) return `payload ${esp.payload.length} + padding ${esp.padLength} + 2 = ${covered} octets, not whole ${blockSize}-octet blocks`;
  return undefined;
}
