// v6LC.3.2.1 Global Address Autoconfiguration and DAD (RFC 4862 §5.4, §5.5.3 d), as v6LC_3_2_1_{A,B,C}.seq
// judge it, all on the wire: a host forms an address from the prefix of TR1's RA (RA_GA0_VLT40: valid 40 s,
// preferred 20 s; A a global prefix, B 8000::/64 ending in zero-valued fields, C site-local fec0::/64), probes
// it by DAD before using it, and 5 s after the probe (wait_addrconf_with_RA) defends it against TN's own DAD
// probe with an NA to all-nodes (S = 0, R as its role). A router does not autoconfigure: TAHI reboots it with
// the global address configured; we add the address over the management shell (TAHI's remote call) and judge
// the router's DAD and defence the same way.
import { slaacAddress, normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { answerProblem, nutStillAnswers, probeAddress, unresponsiveNut } from '../vocabulary/address-probes.js';
import { RETRANS_TIMER_MS } from '../vocabulary/dad-outcome.js';
import { isDadNs } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ADDRCONF_WAIT_MS, autoconfigure, DAD_AFTER_RA_MS, isFormed } from '../vocabulary/prefix-autoconf.js';
import { casePrefix } from '../vocabulary/ra-processing.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4862 §5.4';
/** RA_GA0_VLT40 (RA_SAA.def): the lifetimes TAHI advertises in this test. */
const VLT40 = { valid: 40, preferred: 20 };

const isRouterMode = (ctx: CaseContext): boolean => ctx.mode === 'router' || ctx.mode === 'security-gateway';

/** Frames the NUT sends from a non-unspecified source, with their times: what it sent from a tentative address shows here. */
function recordSources(ctx: CaseContext): { from: (address: string) => ReceivedFrame[]; stop: () => void } {
  const seen: ReceivedFrame[] = [];
  const stop = ctx.link().onReceive((r) => {
    if (r.frame.ipv6 && normalizeIpv6(r.frame.ipv6.src) !== '::') seen.push(r);
  });
  return { from: (a) => seen.filter((r) => normalizeIpv6(r.frame.ipv6!.src) === a), stop };
}

/** After the NUT's DAD probe for `address`: nothing from it while tentative, then it defends it against TN's probe. */
async function probedThenDefended(ctx: CaseContext, address: string, dad: { atMs: number }, sent: ReturnType<typeof recordSources>): Promise<CaseVerdict> {
  await sleep(Math.max(0, dad.atMs + ADDRCONF_WAIT_MS - Date.now()));
  // DupAddrDetectTransmits is 1: the address is tentative for RetransTimer after the probe, and longer on a slow NUT.
  const early = sent.from(address).filter((r) => r.atMs < dad.atMs + RETRANS_TIMER_MS);
  sent.stop();
  if (early.length > 0) return fail(RFC, `nothing sent from ${address} while it is tentative`, `a packet from it ${early[0]!.atMs - dad.atMs} ms after its DAD probe`);
  const na = await probeAddress(ctx, address, `TN's DAD probe for ${address}: the NUT must defend it`);
  if (!na) {
    if (!(await nutStillAnswers(ctx))) throw unresponsiveNut(`after TN's DAD probe for ${address}`);
    return fail('RFC 4862 §5.4.3', `a Neighbor Advertisement to all-nodes defending ${address} against TN's DAD probe`, ctx.link().seenSinceSend());
  }
  const problem = answerProblem(ctx, na, false);
  if (problem) return fail('RFC 4861 §7.2.4', `a Neighbor Advertisement to all-nodes with S = 0 defending ${address}`, problem);
  return pass(`${address} probed by DAD, then assigned and defended against TN's DAD probe`);
}

async function hostForms(ctx: CaseContext, prefix: string): Promise<CaseVerdict> {
  const sent = recordSources(ctx);
  try {
    const formed = await autoconfigure(ctx, prefix, VLT40);
    if (!isFormed(formed)) return formed;
    return await probedThenDefended(ctx, formed.address, { atMs: formed.took.latestMs }, sent);
  } finally {
    sent.stop();
  }
}

async function routerConfigures(ctx: CaseContext, prefix: string): Promise<CaseVerdict> {
  const nut = ctx.nutOn();
  const address = normalizeIpv6(slaacAddress(prefix, nut.mac));
  ctx.onCleanup(`remove ${address}`, async () => void (await ctx.nutCommand(['/usr/sbin/ip', '-6', 'addr', 'del', `${address}/64`, 'dev', nut.ifname]).catch(() => undefined)));
  const sent = recordSources(ctx);
  try {
    ctx.link().markNow();
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'addr', 'add', `${address}/64`, 'dev', nut.ifname]);
    const dad = await ctx.link().expect(isDadNs(address), DAD_AFTER_RA_MS);
    if (!dad) return fail(RFC, `DAD for ${address} once the router is configured with it`, ctx.link().seenSinceSend());
    return await probedThenDefended(ctx, address, dad, sent);
  } finally {
    sent.stop();
  }
}

const T = 'Global Address Autoconfiguration and DAD';
const part = (letter: string, title: string, hostPrefix: string, routerPrefix: string): CaseDefinition => ({
  id: `v6LC.3.2.1-${letter}`,
  title: `${T}: Part ${letter}: ${title}`,
  rfc: 'RFC 4862 §5.4, §5.5.3',
  appliesTo: ALL_MODES,
  timeoutMs: 25_000,
  run: (ctx) => (isRouterMode(ctx) ? routerConfigures(ctx, routerPrefix) : hostForms(ctx, hostPrefix)),
});

export const cases: CaseDefinition[] = [
  part('A', 'Unicast Autoconfigured Address - Global', casePrefix(0x321), LINK0_PREFIX),
  part('B', 'Unicast Autoconfigured Address Prefix ending in zero valued fields', '8000::', '8000::'),
  // Site-local (fec0::/10) is deprecated (RFC 3879) but still a unicast prefix a host autoconfigures from.
  part('C', 'Unicast Autoconfigured Address Site-Local', 'fec0::', 'fec0::'),
];
