// v6LC.2.2.25 Processing Router Advertisement DNS (RFC 8106 §5.3): a host uses the recursive DNS server
// (RDNSS) and search list (DNSSL) an RA gives, for their lifetime, and no longer once it is 0 or ran out.
// The host is asked to resolve a name (TAHI's ping6.rmt; here nslookup on the NUT) and its DNS query to the
// advertised server is looked for on Link0. Linux passes both options to user space (net/ipv6/ndisc.c
// ndisc_ra_useropt, RTM_NEWNDUSEROPT): the verdict is that of whatever resolver daemon the NUT runs.
// Parts B, C, E and F first show the host querying (the control), then that it stops. Lifetimes: 600 s,
// and 10 s where TAHI lets one run out (it waits 65 s; here 12 s). TN1, the server, answers the host's
// Neighbor Solicitations (the query waits on them), and with a search list only a query for the
// name it completes counts: a bare `node1` goes to the server from RDNSS alone.
import { normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { advertiseToHost, dnssl, forgetRoutersAfterwards, raFrom, rdnss, TR1 } from '../vocabulary/host-routers.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 8106 §5.3';
const TEST = 'Processing Router Advertisement DNS (Hosts Only)';
const SERVER = ND_TN1.address;
const DOMAIN = 'test.example.com';
const QUERY_WINDOW_MS = 5_000;

/** The name a DNS query asks for (RFC 1035 §4.1.2 QNAME), lower case, without the root's dot. */
function queryName(data: Uint8Array): string | undefined {
  const labels: string[] = [];
  for (let at = 12; at < data.length; ) {
    const len = data[at++]!;
    if (len === 0) return labels.join('.').toLowerCase();
    if (len > 63 || at + len > data.length) return undefined;
    labels.push(new TextDecoder().decode(data.subarray(at, at + len)));
    at += len;
  }
  return undefined;
}

const isDnsQuery = (f: DecodedFrame) => f.udp?.dstPort === 53 && f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst) === SERVER;

/**
 * Asks the NUT to resolve `name` (its own resolver, with a short timeout): whether a query to the server
 * left (for `expected` only, when given), and the names the queries to the server asked for.
 */
async function queries(ctx: CaseContext, name: string, expected?: string): Promise<{ used: boolean; names: Set<string> }> {
  ctx.link().markNow();
  await ctx.nutCommand(['sh', '-c', 'timeout 4 nslookup "$1" >/dev/null 2>&1; exit 0', 'resolve', name]);
  const names = new Set<string>();
  const hit = await ctx.link().expect((f) => {
    if (!isDnsQuery(f)) return false;
    const asked = queryName(f.udp!.data) ?? '?';
    names.add(asked);
    return expected === undefined || asked === expected;
  }, QUERY_WINDOW_MS - 4_000);
  return { used: hit !== undefined, names };
}
const others = (names: Set<string>) => `queries for ${[...names].join(', ')} only`;

type Kind = 'rdnss' | 'dnssl';
const option = (kind: Kind, lifetime: number) => (kind === 'rdnss' ? [rdnss(SERVER, lifetime)] : [rdnss(SERVER, 600), dnssl(DOMAIN, lifetime)]);
const nameFor = (kind: Kind) => (kind === 'rdnss' ? `node1.${DOMAIN}` : 'node1');
/** The query that shows the option used: any to the server for RDNSS, one for node1.<domain> for DNSSL. */
const expectedFor = (kind: Kind) => (kind === 'rdnss' ? undefined : `node1.${DOMAIN}`);

async function dns(ctx: CaseContext, kind: Kind, then: 'use' | 'zero' | 'expire'): Promise<CaseVerdict> {
  await forgetRoutersAfterwards(ctx);
  const stopAnswering = answerSolicitations(ctx, ND_TN1);
  try {
    return await judgeDns(ctx, kind, then);
  } finally {
    stopAnswering();
  }
}

async function judgeDns(ctx: CaseContext, kind: Kind, then: 'use' | 'zero' | 'expire'): Promise<CaseVerdict> {
  const lifetime = then === 'expire' ? 10 : 600;
  const what = kind === 'rdnss' ? `the DNS server ${SERVER}` : `the search list ${DOMAIN}`;
  const failed = await advertiseToHost(ctx, [{ frame: raFrom(ctx, TR1, { extra: option(kind, lifetime) }), note: `TR1 advertises ${what} for ${lifetime} s` }]);
  if (failed) return failed;
  const started = Date.now();
  const control = await queries(ctx, nameFor(kind), expectedFor(kind));
  if (!control.used) {
    const seen = control.names.size ? `${others(control.names)} (the search list was not applied)` : 'none (Linux hands RDNSS and DNSSL to user space; no resolver on the NUT used them)';
    return fail(RFC, `a DNS query to ${SERVER} for ${kind === 'rdnss' ? nameFor(kind) : `node1.${DOMAIN}`} once an RA gave ${what}${then === 'use' ? '' : ' (control)'}`, seen);
  }
  if (then === 'use') return pass(`the host sent its DNS query to ${SERVER}, learned from the RA`);
  if (then === 'zero') await ctx.link().send(raFrom(ctx, TR1, { extra: option(kind, 0) }), `TR1 advertises ${what} with lifetime 0`);
  else await sleep(Math.max(0, started + lifetime * 1000 + 2_000 - Date.now()));
  if ((await queries(ctx, nameFor(kind), expectedFor(kind))).used) return fail(RFC, `no DNS query using ${what} after its lifetime ${then === 'zero' ? 'was set to 0' : 'ran out'}`, 'a query to it');
  return pass(`the host used ${what}, and stopped once its lifetime ${then === 'zero' ? 'was 0' : 'ran out'}`);
}

function part(letter: string, partTitle: string, kind: Kind, then: 'use' | 'zero' | 'expire'): CaseDefinition {
  return { id: `v6LC.2.2.25-${letter}`, title: `${TEST}: Part ${letter}: ${partTitle}`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 60_000, run: (ctx) => dns(ctx, kind, then) };
}

export const cases: CaseDefinition[] = [
  part('A', 'Recursive DNS Option', 'rdnss', 'use'),
  part('B', 'Recursive DNS Option lifetime 0', 'rdnss', 'zero'),
  part('C', 'Recursive DNS Option Expired', 'rdnss', 'expire'),
  part('D', 'Search List Option', 'dnssl', 'use'),
  part('E', 'Search List Option with a Lifetime of 0', 'dnssl', 'zero'),
  part('F', 'Search List Option Expired', 'dnssl', 'expire'),
];
