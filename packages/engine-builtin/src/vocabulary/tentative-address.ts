// Whether the NUT may use an address yet: after its DAD probe an address stays tentative for RetransTimer
// (RFC 4862 §5.4; 1 s here), and a host drops packets sent to a tentative address (§5.4, "MUST silently
// discard"). A case that judges the host's answer to such a packet must send it only after DAD, or a NUT
// whose timers ran late under load is FAILed for the lab's haste: seen on Linux 6.1 in 2.2.22-B, 23-D and
// 23-J, an Echo Request 1.5 s after the probe, no reply at all. The NUT is asked (iproute2's "tentative"
// filter lists only tentative addresses), not the wire: a host sends nothing when DAD ends.
import { normalizeIpv6 } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import { sleep } from './timing.js';

/** How long after the probe an address may stay tentative before the lab gives up judging (8x RetransTimer). */
const TENTATIVE_LIMIT_MS = 8_000;
const POLL_MS = 250;

/** The addresses `ip -6 -o addr show ... tentative` lists (one "inet6 <address>/<len>" a line). */
export function listedAddresses(out: string): string[] {
  return [...out.matchAll(/\binet6 ([0-9a-fA-F:.]+)\/\d+/g)].map((m) => normalizeIpv6(m[1]!));
}

/**
 * Waits until `address` is no longer tentative on the NUT's Link0 interface, `probeAtMs` being when its DAD
 * probe was seen (Date.now() terms). Throws (an ERROR, the lab could not judge) when it still is
 * TENTATIVE_LIMIT_MS after the probe.
 */
export async function untilNotTentative(ctx: CaseContext, address: string, probeAtMs: number): Promise<void> {
  const ifname = ctx.nutOn().ifname;
  const want = normalizeIpv6(address);
  for (;;) {
    const out = await ctx.nutCommand(['/usr/sbin/ip', '-6', '-o', 'addr', 'show', 'dev', ifname, 'tentative']);
    if (!listedAddresses(out).includes(want)) return;
    const waited = Date.now() - probeAtMs;
    if (waited > TENTATIVE_LIMIT_MS) throw new Error(`${want} was still tentative on the NUT ${waited} ms after its DAD probe (RetransTimer is 1 s): the NUT's timers lag, the lab cannot judge`);
    await sleep(POLL_MS);
  }
}
