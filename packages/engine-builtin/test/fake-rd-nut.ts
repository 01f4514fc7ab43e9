// A deliberately small node for the Router Discovery case tests. As a router it plays radvd from the
// configuration the case writes through `exec` (initial RA at once, 16 s initial interval, answers to RSs
// rate-limited to one multicast RA per 3 s, a final RA with lifetime 0 when stopped); as a host it keeps a
// default router list with preferences and lifetimes, Route Information routes, on-link prefixes, SLAAC with
// DAD, a neighbor cache without states, and picks the next hop of its Echo Replies from them. Each
// misbehaviour breaks one thing, "drops the stimulus" (ignoring every RA or RS) among them.
import type { ExecResult, Link } from '@testlab/core';
import { buildFrame, decodeFrame, linkLocalFromMac, multicastMac, normalizeIpv6, slaacAddress, solicitedNodeMulticast, type DecodedFrame, type FrameSpec, type NdOptionSpec } from '@testlab/packet';
import { dnssl, rdnss, rio } from '../src/vocabulary/host-routers.js';
import { dnsslOptions, rdnssOptions, routeInfos, type RaMessage } from '../src/vocabulary/router-solicitations.js';
import { fakeNodeBasics } from './fake-node-basics.js';
import { uptimeAnswer } from './fake-uptime.js';

export interface RdMisbehaviour {
  /** Drops the stimulus: as a host ignores every RA, as a router every RS. */
  dropsStimulus?: boolean;
  /** As a router, advertises radvd's defaults whatever the case configured. */
  ignoresConfig?: boolean;
  /** As a router, answers RSs that fail validation. */
  answersInvalidRs?: boolean;
  /** Takes ND messages carried in fragments. */
  acceptsFragmentedNd?: boolean;
  /** As a router, sends no final RA when it stops advertising. */
  noFinalRa?: boolean;
  /** As a router, answers every RS at once, multicast. */
  noRateLimit?: boolean;
  /** As a host, ignores Default Router Preference and Route Information. */
  ignoresPreference?: boolean;
  /** As a host, keeps a default router whatever lifetime it advertises later. */
  ignoresLifetimeUpdates?: boolean;
  /** As a host, takes the Cur Hop Limit of an RA shorter than 16 bytes. */
  acceptsShortRa?: boolean;
  /** As a router, Route Information Options with Length 3 whatever the prefix length, as radvd sends them (not a fault: RFC 4191 §2.3 allows it). */
  fullLengthRio?: boolean;
  /** As a router, Route Information Options one 8-octet unit too short for the prefix (Length 1 for a /64). */
  shortRio?: boolean;
  /** The VM's clock runs at half real time (a NUT starved of CPU on a loaded host): its rate limit and timers run late on the tester's clock. Not a fault. */
  starvedClock?: boolean;
  /** A kernel built without CONFIG_IPV6_ROUTE_INFO: no accept_ra_rt_info_max_plen (not a fault of the RFC's, a NUT the lab must cope with). */
  noRouteInfoSupport?: boolean;
  /** As a router, sends the second RA of each of its first `starts` radvd starts `ms` late (a VM starved of CPU). */
  lateSecondRa?: { ms: number; starts: number };
  /** Does nothing at all: takes in no frame, so answers no RS and no ping either. */
  deaf?: boolean;
  /** As a router, advertises (and answers RSs) with radvd stopped, as if the kernel sent RAs on every interface. */
  advertisesUnasked?: boolean;
  /** As a host, keeps a default router whatever its Router Lifetime (it never runs out). */
  routersNeverExpire?: boolean;
  /** As a host, keeps Route Information routes whatever their lifetime (never run out, lifetime 0 ignored). */
  ignoresRouteLifetimes?: boolean;
  /** As a host, no resolver uses the RDNSS and DNSSL options (Linux without rdnssd or the like). */
  noResolver?: boolean;
  /** As a host, uses the RDNSS but not the DNSSL option: a bare name is looked up as it is. */
  ignoresDnssl?: boolean;
  /** As a host, keeps DNS servers and search domains whatever their lifetime. */
  keepsDnsOptions?: boolean;
  /** As a router, advertises RDNSS and DNSSL for half MaxRtrAdvInterval whatever the configuration. */
  shortDnsLifetime?: boolean;
}

/** One unit fewer than the shortest Length RFC 4191 §2.3 allows (no less than 1). */
const rioUnits = (len: number): 1 | 2 | 3 => (len > 64 ? 2 : 1);

export const FAKE_RD_MAC = '52:54:00:00:00:01';
const ROUTER_GLOBAL = '3ffe:501:ffff:100::1';

interface Route { prefix: string; length: number; pref: number; expires: number; via: string }

const bitsMatch = (a: string, b: string, len: number) => {
  const bytes = (x: string) => buildFrame({ eth: { src: FAKE_RD_MAC, dst: FAKE_RD_MAC }, ipv6: { src: x, dst: x } }).subarray(22, 38);
  const [x, y] = [bytes(a), bytes(b)];
  for (let i = 0; i < len; i++) if (((x[i >> 3]! >> (7 - (i & 7))) & 1) !== ((y[i >> 3]! >> (7 - (i & 7))) & 1)) return false;
  return true;
};
/** RFC 4191 order: high (1) > medium (0) > low (3); reserved (2) is medium. */
const rank = (p: number) => ({ 1: 2, 0: 1, 2: 1, 3: 0 })[p & 3]!;

export interface FakeRdNut {
  exec(argv: string[]): Promise<ExecResult>;
  stop(): void;
}

/** A DNS query (RFC 1035 §4.1) for the AAAA records of `name`. */
const dnsQuery = (name: string): Uint8Array =>
  Uint8Array.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...name.split('.').flatMap((l) => [l.length, ...new TextEncoder().encode(l)]), 0, 0, 28, 0, 1]);

/** `ifname`: the interface whose section of the radvd configuration this link's node plays (all of it when not given). */
export function startFakeRdNut(link: Link, mode: 'host' | 'router', bad: RdMisbehaviour = {}, ifname?: string): FakeRdNut {
  const mac = FAKE_RD_MAC;
  /** How fast the node's own clock runs against real time. */
  const rate = bad.starvedClock ? 0.5 : 1;
  const ll = normalizeIpv6(linkLocalFromMac(mac));
  // Every timer comes from `later`, so the node's stop() ends them all.
  const node = fakeNodeBasics(link);
  const { later, send } = node;
  const neighbors = new Map<string, string>();
  const waiting = new Map<string, Array<(m: string) => void>>();
  const addresses = new Map<string, boolean>([[ll, true]]);
  if (mode === 'router') addresses.set(ROUTER_GLOBAL, true);
  const onLink: Array<{ prefix: string; length: number }> = [];
  const defaults: Route[] = [];
  const rios: Route[] = [];
  let hopLimit = 64;
  /** The DNS Server List and DNS Search List (RFC 8106 §5.3): expiry by address or domain. */
  const dnsServers = new Map<string, number>();
  const searchList = new Map<string, number>();
  const files = new Map<string, string>();

  const sendTo = (ip: string, nextHop: string, build: (dstMac: string) => FrameSpec) => {
    const known = neighbors.get(nextHop);
    if (known) return send(build(known));
    const q = waiting.get(nextHop) ?? [];
    q.push((m) => send(build(m)));
    if (q.length === 1) {
      const group = solicitedNodeMulticast(nextHop);
      send({ eth: { src: mac, dst: multicastMac(group) }, ipv6: { src: ll, dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: nextHop, options: [{ type: 'source-lla', mac }] } });
    }
    waiting.set(nextHop, q);
    void ip;
  };
  const learned = (ip: string, m: string) => {
    neighbors.set(ip, m);
    for (const q of waiting.get(ip) ?? []) q(m);
    waiting.delete(ip);
  };
  const nextHopFor = (dst: string): string | undefined => {
    if (dst.startsWith('fe80:') || onLink.some((p) => bitsMatch(p.prefix, dst, p.length))) return dst;
    const now = Date.now();
    const live = (r: Route) => r.expires > now;
    const specific = rios.filter((r) => live(r) && r.length > 0 && bitsMatch(r.prefix, dst, r.length) && (r.pref !== 2 || bad.ignoresPreference));
    if (specific.length && !bad.ignoresPreference) {
      const longest = Math.max(...specific.map((r) => r.length));
      return specific.filter((r) => r.length === longest).sort((a, b) => rank(b.pref) - rank(a.pref))[0]!.via;
    }
    const routers = defaults.filter(live);
    if (!routers.length) return undefined;
    if (bad.ignoresPreference) return routers[0]!.via;
    return [...routers].sort((a, b) => rank(b.pref) - rank(a.pref))[0]!.via;
  };

  // ---- host: RA processing ----
  const processRa = (f: DecodedFrame, m: RaMessage) => {
    const src = normalizeIpv6(f.ipv6!.src);
    if (m.curHopLimit) hopLimit = m.curHopLimit;
    const slla = m.options.find((o) => o.type === 'source-lla');
    if (slla?.type === 'source-lla') learned(src, slla.mac);
    const now = Date.now();
    const existing = defaults.find((d) => d.via === src);
    if (existing && bad.ignoresLifetimeUpdates) {
      // keeps the router as it was
    } else if (m.routerLifetime === 0) {
      if (existing) defaults.splice(defaults.indexOf(existing), 1);
    } else if (existing) Object.assign(existing, { expires: bad.routersNeverExpire ? Infinity : now + m.routerLifetime * 1000, pref: (m.flags >> 3) & 3 });
    else defaults.push({ prefix: '::', length: 0, via: src, expires: bad.routersNeverExpire ? Infinity : now + m.routerLifetime * 1000, pref: (m.flags >> 3) & 3 });
    const keep = (list: Map<string, number>, key: string, lifetime: number) => {
      if (bad.keepsDnsOptions) return void list.set(key, Infinity);
      if (lifetime === 0) list.delete(key);
      else list.set(key, now + lifetime * 1000);
    };
    for (const o of rdnssOptions(m)) for (const a of o.addresses) keep(dnsServers, a, o.lifetime);
    for (const o of dnsslOptions(m)) for (const d of o.domains) keep(searchList, d, o.lifetime);
    for (const r of routeInfos(m)) {
      if (r.preference === 2 && !bad.ignoresPreference) continue;
      const old = rios.findIndex((x) => x.via === src && x.prefix === r.prefix && x.length === r.length);
      if (old >= 0) rios.splice(old, 1);
      if (r.length === 0) {
        const d = defaults.find((x) => x.via === src);
        if (d && r.lifetime === 0 && !bad.ignoresRouteLifetimes) defaults.splice(defaults.indexOf(d), 1);
        else if (d) d.pref = r.preference;
        continue;
      }
      if (r.lifetime > 0) rios.push({ prefix: r.prefix, length: r.length, pref: r.preference, via: src, expires: bad.ignoresRouteLifetimes ? Infinity : now + r.lifetime * 1000 });
    }
    for (const o of m.options) {
      if (o.type !== 'prefix-info') continue;
      if (o.onLink) onLink.push({ prefix: o.prefix, length: o.prefixLength });
      if (!o.autonomous || o.prefixLength !== 64 || o.validLifetime === 0) continue;
      const address = normalizeIpv6(slaacAddress(o.prefix, mac));
      if (addresses.has(address)) continue;
      addresses.set(address, false);
      later(100, () => {
        const group = solicitedNodeMulticast(address);
        send({ eth: { src: mac, dst: multicastMac(group) }, ipv6: { src: '::', dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: address } });
        later(1_000, () => addresses.set(address, true));
      });
    }
  };

  // ---- router: radvd played from the case's configuration ----
  let radvdStarts = 0;
  let advertising: { conf: Record<string, string>; prefixes: NdOptionSpec[]; dns: NdOptionSpec[]; routes: Array<{ prefix: string; length: number; pref: number; lifetime: number }>; count: number; last: number; timer?: NodeJS.Timeout } | undefined;
  const ra = (cease = false): FrameSpec => {
    const c = advertising!.conf;
    const n = (k: string, d: number) => (c[k] === undefined ? d : c[k] === 'infinity' ? 0xffffffff : Number(c[k]));
    const max = n('MaxRtrAdvInterval', 600);
    const pref = { high: 1, medium: 0, low: 3 }[c.AdvDefaultPreference as 'high'] ?? 0;
    return {
      eth: { src: mac, dst: multicastMac('ff02::1') },
      ipv6: { src: ll, dst: 'ff02::1', hopLimit: 255 },
      icmpv6: {
        type: 'router-advertisement',
        curHopLimit: n('AdvCurHopLimit', 64),
        flags: (c.AdvManagedFlag === 'on' ? 0x80 : 0) | (c.AdvOtherConfigFlag === 'on' ? 0x40 : 0) | (pref << 3),
        routerLifetime: cease ? 0 : n('AdvDefaultLifetime', 3 * max),
        reachableTime: n('AdvReachableTime', 0),
        retransTimer: n('AdvRetransTimer', 0),
        options: [
          { type: 'source-lla', mac },
          ...(c.AdvLinkMTU ? [{ type: 'mtu' as const, mtu: Number(c.AdvLinkMTU) }] : []),
          ...advertising!.prefixes,
          ...advertising!.dns,
          ...advertising!.routes.map((r) => rio({ prefix: r.prefix, length: r.length, preference: r.pref, lifetime: cease ? 0 : r.lifetime, optionLength: bad.fullLengthRio ? 3 : bad.shortRio ? rioUnits(r.length) : undefined })),
        ],
      },
    };
  };
  const multicastRa = () => {
    if (!advertising) return;
    send(ra());
    advertising.count++;
    advertising.last = Date.now();
    const n = (k: string, d: number) => Number(advertising!.conf[k] ?? d);
    const max = n('MaxRtrAdvInterval', 600);
    const min = n('MinRtrAdvInterval', Math.max(3, 0.33 * max));
    const random = min + Math.random() * (max - min);
    if (advertising.timer) clearTimeout(advertising.timer);
    const late = advertising.count === 1 && bad.lateSecondRa && radvdStarts <= bad.lateSecondRa.starts ? bad.lateSecondRa.ms : 0;
    advertising.timer = later(((advertising.count < 3 ? Math.min(16, random) : random) * 1000) / rate + late, multicastRa);
  };
  const startRadvd = (whole: string) => {
    // Only this interface's section (`interface eth1 { ... };`), as radvd advertises each on its own interface.
    const conf = ifname === undefined || bad.advertisesUnasked ? whole : (new RegExp(`^interface ${ifname} \\{\\n[^]*?^\\};$`, 'm').exec(whole)?.[0] ?? '');
    if (!conf && !bad.advertisesUnasked) return;
    const c: Record<string, string> = {};
    if (!bad.ignoresConfig) for (const m of conf.matchAll(/^ {2}(\w+) ([^;{]+);$/gm)) c[m[1]!] = m[2]!;
    const prefixes: NdOptionSpec[] = [];
    for (const m of conf.matchAll(/prefix ([0-9a-f:]+)\/(\d+) \{\n {4}AdvOnLink (\w+);\n {4}AdvAutonomous (\w+);\n {4}AdvValidLifetime (\w+);\n {4}AdvPreferredLifetime (\w+);/g)) {
      const life = (v: string) => (v === 'infinity' ? 0xffffffff : Number(v));
      prefixes.push(bad.ignoresConfig ? { type: 'prefix-info', prefix: m[1]!, prefixLength: 64, onLink: true, autonomous: true, validLifetime: 86400, preferredLifetime: 14400 } : { type: 'prefix-info', prefix: m[1]!, prefixLength: Number(m[2]), onLink: m[3] === 'on', autonomous: m[4] === 'on', validLifetime: life(m[5]!), preferredLifetime: life(m[6]!) });
    }
    const routes = bad.ignoresConfig ? [] : [...conf.matchAll(/route ([0-9a-f:]+)\/(\d+) \{\n {4}AdvRoutePreference (\w+);\n {4}AdvRouteLifetime (\d+);/g)].map((m) => ({ prefix: m[1]!, length: Number(m[2]), pref: { high: 1, medium: 0, low: 3 }[m[3] as 'high']!, lifetime: Number(m[4]) }));
    const dnsLifetime = (v: string) => (bad.shortDnsLifetime ? Number(c.MaxRtrAdvInterval ?? 600) / 2 : Number(v));
    const dns = bad.ignoresConfig
      ? []
      : [
          ...[...conf.matchAll(/RDNSS ([0-9a-f:]+) \{\n {4}AdvRDNSSLifetime (\d+);/g)].map((m) => rdnss(m[1]!, dnsLifetime(m[2]!))),
          ...[...conf.matchAll(/DNSSL ([a-z0-9.-]+) \{\n {4}AdvDNSSLLifetime (\d+);/g)].map((m) => dnssl(m[1]!, dnsLifetime(m[2]!))),
        ];
    radvdStarts++;
    advertising = { conf: c, prefixes, dns, routes, count: 0, last: 0 };
    multicastRa();
  };
  const stopRadvd = () => {
    if (!advertising || bad.advertisesUnasked) return;
    if (advertising.timer) clearTimeout(advertising.timer);
    if (!bad.noFinalRa) send(ra(true));
    advertising = undefined;
  };

  if (bad.advertisesUnasked && mode === 'router') startRadvd('');
  node.listen((bytes) => {
    if (bad.deaf) return;
    const f = decodeFrame(bytes);
    if (!f.ipv6 || !f.eth) return;
    const m = f.icmpv6;
    const src = normalizeIpv6(f.ipv6.src);
    const dst = normalizeIpv6(f.ipv6.dst);
    const fragmented = f.extensionHeaders.some((h) => h.type === 'fragment');
    if (fragmented && (m?.type === 'router-advertisement' || m?.type === 'router-solicitation') && !bad.acceptsFragmentedNd) return;
    const validNd = f.ipv6.hopLimit === 255 && m !== undefined && m.checksumOk && m.code === 0 && !f.errors.some((e) => /length 0/.test(e));
    if (m?.type === 'other' && m.icmpType === 134 && mode === 'host' && bad.acceptsShortRa && m.body[0]) hopLimit = m.body[0];
    if (m?.type === 'router-advertisement') {
      if (mode !== 'host' || bad.dropsStimulus || !validNd || !src.startsWith('fe80:')) return;
      return processRa(f, m);
    }
    if (m?.type === 'router-solicitation' || (m?.type === 'other' && m.icmpType === 133)) {
      if (mode !== 'router' || !advertising || bad.dropsStimulus) return;
      const valid = m.type === 'router-solicitation' && validNd && !(src === '::' && m.options.some((o) => o.type === 'source-lla'));
      if (!valid && !bad.answersInvalidRs) return;
      if (m.type === 'router-solicitation') {
        const slla = m.options.find((o) => o.type === 'source-lla');
        if (slla?.type === 'source-lla' && src !== '::') neighbors.set(src, slla.mac);
      }
      const since = (Date.now() - advertising.last) * rate;
      if (since >= 3_000 || bad.noRateLimit) return multicastRa();
      if (advertising.timer) clearTimeout(advertising.timer);
      advertising.timer = later((3_000 - since + 100) / rate, multicastRa);
      return;
    }
    if (m?.type === 'neighbor-solicitation' && addresses.has(normalizeIpv6(m.target)) && src !== '::') {
      const slla = m.options.find((o) => o.type === 'source-lla');
      if (slla?.type === 'source-lla') learned(src, slla.mac);
      return send({ eth: { src: mac, dst: f.eth.src }, ipv6: { src: normalizeIpv6(m.target), dst: src, hopLimit: 255 }, icmpv6: { type: 'neighbor-advertisement', target: m.target, solicited: true, override: true, router: mode === 'router', options: [{ type: 'target-lla', mac }] } });
    }
    if (m?.type === 'neighbor-advertisement') {
      const tlla = m.options.find((o) => o.type === 'target-lla');
      if (tlla?.type === 'target-lla') learned(normalizeIpv6(m.target), tlla.mac);
      return;
    }
    if (m?.type === 'echo-request' && addresses.get(dst)) {
      const hop = nextHopFor(src);
      if (!hop) return;
      sendTo(src, hop, (dstMac) => ({ eth: { src: mac, dst: dstMac }, ipv6: { src: dst, dst: src, hopLimit }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } }));
    }
  });

  /** What a resolver reading the RA's DNS options does for `name`: one query to the first live server, the search list applied to a bare name. */
  const lookUp = (name: string) => {
    const now = Date.now();
    const server = [...dnsServers].find(([, until]) => until > now)?.[0];
    if (bad.noResolver || mode !== 'host' || !server) return;
    const domain = bad.ignoresDnssl ? undefined : [...searchList].find(([, until]) => until > now)?.[0];
    const qname = !name.includes('.') && domain ? `${name}.${domain}` : name;
    const src = server.startsWith('fe80:') ? ll : ([...addresses.keys()].find((a) => !a.startsWith('fe80:')) ?? ll);
    const hop = nextHopFor(server);
    if (hop) sendTo(server, hop, (dstMac) => ({ eth: { src: mac, dst: dstMac }, ipv6: { src, dst: server, hopLimit }, udp: { srcPort: 40000, dstPort: 53, data: dnsQuery(qname) } }));
  };

  return {
    async exec(argv) {
      const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });
      const clock = uptimeAnswer(argv, rate);
      if (clock) return clock;
      if (argv[0] === 'sh' && argv[2]?.includes('printf "%s" "$2" > "$1"')) return files.set(argv[4]!, argv[5]!), ok();
      if (argv[0] === 'sh' && argv[2]?.includes('kill -0') && argv[2].includes('echo yes')) return ok(argv[4]?.includes('case') ? (advertising ? 'yes\n' : 'no\n') : 'no\n');
      if (argv[0] === 'sh' && argv[3] === 'stop-radvd') return argv[4]?.includes('case') && stopRadvd(), ok();
      if (argv[0] === '/usr/sbin/radvd' && argv[2]?.includes('case')) return startRadvd(files.get(argv[2]) ?? ''), ok();
      // nslookup takes a moment to start before its query leaves.
      if (argv[0] === 'sh' && argv[2]?.includes('nslookup')) return later(50, () => lookUp(argv[4] ?? '')), ok();
      if (argv[0] === 'cat' && argv[1]?.includes('accept_ra_rt_info_max_plen') && bad.noRouteInfoSupport) return { code: 1, stdout: '', stderr: `cat: can't open '${argv[1]}': No such file or directory` };
      if (argv[0] === 'cat' && argv[1]?.startsWith('/proc/sys')) return ok(argv[1].includes('reachable') ? '30000\n' : argv[1].includes('retrans') ? '1000\n' : argv[1].includes('mtu') ? '1500\n' : argv[1].includes('max_plen') ? '0\n' : '64\n');
      // What the cases' cleanups ask of iproute2, as Linux does it: RA-learned default and RIO routes are
      // `proto ra`, on-link prefix routes `proto kernel` (listed, and deleted one by one).
      const words = argv.join(' ');
      if (/ -6 route flush dev \S+ proto ra$/.test(words)) return (defaults.length = 0), (rios.length = 0), ok();
      if (/ -6 addr flush dev \S+ scope global$/.test(words)) return [...addresses.keys()].forEach((a) => a !== ll && mode === 'host' && addresses.delete(a)), ok();
      if (/ -6 route show dev \S+$/.test(words)) return ok(['fe80::/64 proto kernel metric 256 pref medium', ...onLink.map((p) => `${normalizeIpv6(p.prefix)}/${p.length} proto kernel metric 256 expires 2591999sec pref medium`)].join('\n') + '\n');
      const del = / -6 route del (\S+)\/(\d+) dev \S+$/.exec(words);
      if (del) return onLink.splice(0, onLink.length, ...onLink.filter((p) => !(normalizeIpv6(p.prefix) === normalizeIpv6(del[1]!) && p.length === Number(del[2])))), ok();
      if (/ flush /.test(` ${words} `)) {
        neighbors.clear();
        return ok();
      }
      return ok();
    },
    stop: node.stop,
  };
}

/** The router on Link0 and Link1 (eth1, eth2), one node a link, each advertising what radvd's configuration says for its interface. */
export function startFakeRdRouterOnTwoLinks([link0, link1]: Link[], bad: RdMisbehaviour = {}): FakeRdNut {
  const nodes = [startFakeRdNut(link0!, 'router', bad, 'eth1'), startFakeRdNut(link1!, 'router', bad, 'eth2')];
  return {
    exec: async (argv) => (await Promise.all(nodes.map((n) => n.exec(argv))))[0]!,
    stop: () => nodes.forEach((n) => n.stop()),
  };
}
