// The NUT as the sender of Echo Requests (RFC 4443 §4.1; TAHI's TRANSMITTING_EREQ, its ping6.rmt): the lab
// runs the NUT's own ping over the management connection and catches what it sends on the test link.
import { normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { reassembleFromNut, type Reassembled } from './fragments.js';
import { sleep } from './timing.js';

export interface NutPing {
  /** Every packet the NUT sent to `to` while ping ran: the Echo Request, whole or in fragments. */
  packets: ReceivedFrame[];
  /** The Echo Request put back together, when a whole one came. */
  request?: Reassembled;
  /** The largest packet of it, as sent (what a Packet Too Big about it quotes). */
  largest?: Uint8Array;
  /** ping's exit status: 0 when an Echo Reply came back to it. */
  exit: number;
}

const toAddress = (to: string) => (f: DecodedFrame): boolean => f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst) === normalizeIpv6(to) && f.icmpv6?.type !== 'neighbor-solicitation';

/**
 * Has the NUT send one Echo Request of `size` octets (IPv6 header included) to `to` out of `linkName`, with
 * ping waiting `waitS` seconds for the reply, and returns what it put on the wire.
 */
export async function nutPings(ctx: CaseContext, to: string, size: number, o: { linkName?: string; waitS?: number } = {}): Promise<NutPing> {
  const link = ctx.link(o.linkName);
  link.markNow();
  const r = await ctx.nutExec(['ping', '-6', '-c', '1', '-W', String(o.waitS ?? 1), '-s', String(size - 48), '-I', ctx.nutOn(o.linkName).ifname, to], 20_000);
  // ping waits for its reply, so its packets are normally in; a NUT slow to put them out gets a second, and
  // the last fragment may trail the first by a moment.
  await link.expect(toAddress(to), 1_000);
  await sleep(100);
  const packets = link.framesSinceSend(toAddress(to));
  const request = reassembleFromNut(packets);
  const largest = packets.reduce<ReceivedFrame | undefined>((a, b) => (a && a.bytes.length >= b.bytes.length ? a : b), undefined);
  return { packets, ...(request ? { request } : {}), ...(largest ? { largest: largest.bytes.subarray(14) } : {}), exit: r.code };
}
