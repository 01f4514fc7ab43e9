// A small IPv6 node with a whole RFC 4861 neighbor cache (INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, with
// their timers), a Prefix List and a Default Router List, for the Section 2.1 case tests: it behaves as the
// RFC says unless told one fault, so each case is shown to PASS a conforming node and to FAIL, for the right
// reason, one that does nothing with its stimulus or gets it wrong. Not a stand-in for the kernel.
import type { ExecResult, Link, NutMode } from '@testlab/core';
import { buildFrame, decodeFrame, decodeIpv6Packet, linkLocalFromMac, multicastMac, normalizeIpv6, slaacAddress, solicitedNodeMulticast, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fakeNodeBasics } from './fake-node-basics.js';
import { uptimeAnswer } from './fake-uptime.js';

export interface NcFault {
  ignoreNs?: boolean;
  /** A REACHABLE entry never times out to STALE. */
  reachableForever?: boolean;
  /** The VM's clock (its /proc/uptime) runs at a tenth of real time, as a VM starved of CPU: its timers are late. */
  starvedClock?: boolean;
  ignoreNa?: boolean;
  /** As a router, takes nothing from a Router Solicitation's SLLA (RFC 4861 §6.2.6). */
  ignoreRs?: boolean;
  /** The VM's clock runs at half real time (a NUT on a loaded host): DELAY_FIRST_PROBE_TIME takes 10 s of real time. Not a fault. */
  slowClock?: boolean;
  /** The VM's jiffies (its timers, its /proc/stat) run at 1.2 times real time, as a starved VM catching up ticks: every timer fires a sixth early in real time. Not a fault. */
  fastClock?: boolean;
  ignoreRa?: boolean;
  /** Never solicits: packets to unknown neighbors are dropped. */
  noResolution?: boolean;
  /** Takes an NA's address but never changes the state of an entry that has one. */
  naKeepsState?: boolean;
  /** Takes a different TLLA even without the Override flag. */
  alwaysOverride?: boolean;
  /** A used STALE entry is never probed. */
  noProbe?: boolean;
  /** A used STALE entry is probed at once (no DELAY). */
  probeAtOnce?: boolean;
  /** Four unicast probes instead of three. */
  fourProbes?: boolean;
  /** An NS with the same SLLA makes the entry STALE. */
  nsMakesStale?: boolean;
  /** An NS with a different SLLA does not change the entry. */
  nsKeepsOldLla?: boolean;
  /** Answers solicitations with S = 0. */
  unsolicitedAnswers?: boolean;
  /** Answers solicitations to all-nodes. */
  answersToAllNodes?: boolean;
  /** Every destination is taken as on-link. */
  allOnLink?: boolean;
  /** The resolution queue keeps the first packet only. */
  queueKeepsOldest?: boolean;
  /** An RA's prefix with L = 0 is taken off the Prefix List. */
  lClearRemovesPrefix?: boolean;
  /** A prefix keeps the lifetime of its first advertisement. */
  noLifetimeRefresh?: boolean;
  /** Multicast solicitations 500 ms apart, whatever RetransTimer says. */
  fastRetransmit?: boolean;
  /** Four multicast solicitations. */
  fourSolicitations?: boolean;
  /** Solicitations without SLLA. */
  noSllaInNs?: boolean;
  /** An NS clears the sender's IsRouter flag. */
  nsClearsIsRouter?: boolean;
  /** An NA's Router flag is never used. */
  ignoreRouterFlag?: boolean;
  /** Answers an anycast solicitation with O = 1. */
  anycastOverride?: boolean;
  /** Processes NS and NA that came in fragments. */
  acceptFragmentedNd?: boolean;
  /** Keeps sending to the first default router whatever Neighbor Unreachability Detection finds (RFC 4861 §6.3.6). */
  stickyRouter?: boolean;
  /** ReachableTime stays drawn from 30 s whatever BaseReachableTime says (the variable changes, the cache does not). */
  reachableIgnoresBase?: boolean;
  /**
   * Not a fault: ReachableTime is the longest it can be (1.5 x BaseReachableTime) and the REACHABLE timer
   * fires an eighth of it late, as Linux's timer wheel may (its granularity at 18 s is 2 s at HZ=250).
   */
  latestReachableTimer?: boolean;
  /** As a router, radvd does not write AdvReachableTime into the interface. */
  radvdKeepsReachableTime?: boolean;
}

export const FAKE_NC_MAC = '52:54:00:00:00:01';
const LINK0_PREFIX = '3ffe:501:ffff:100::';
const DELAY_MS = 5_000;

type State = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE';
interface Entry { state: State; mac?: string; isRouter: boolean; queue: FrameSpec[]; tries: number; usedAt: number; timer?: NodeJS.Timeout }

export interface FakeNcNut { exec(argv: string[]): Promise<ExecResult>; stop(): void }

export function startFakeNcNut(link: Link, mode: NutMode, bad: NcFault = {}): FakeNcNut {
  const mac = FAKE_NC_MAC;
  const ll = normalizeIpv6(linkLocalFromMac(mac));
  const addresses = new Set<string>([ll]);
  const anycast = new Set<string>();
  if (mode === 'router') {
    addresses.add(normalizeIpv6(`${LINK0_PREFIX}1`));
    anycast.add(normalizeIpv6(LINK0_PREFIX));
  }
  let retransMs = 1_000;
  let baseReachableMs = 30_000;
  let reachableMs = baseReachableMs;
  // Ignoring the base, the cache keeps Linux's default 30 s; drawn at random from 15-45 s it could land in what the
  // cases accept for the advertised 10 s and 40 s (15.8 s and 38.5 s were drawn once), and the fault go unseen.
  const rerandom = () => (reachableMs = bad.reachableIgnoresBase ? 30_000 : bad.latestReachableTimer ? baseReachableMs * 1.5 * (1 + 1 / 8) : baseReachableMs * (0.5 + Math.random()));
  const prefixes = new Map<string, number>(mode === 'router' ? [[LINK0_PREFIX, Infinity]] : []);
  const routers = new Map<string, number>();
  /** Round-robin among routers none of which is probably reachable (RFC 4861 §6.3.6). */
  let turn = 0;
  /** The default router for the next packet: one probably reachable (an entry not INCOMPLETE) first, else the next in turn. */
  const defaultRouter = (): string | undefined => {
    const live = [...routers].filter(([, until]) => until > Date.now()).map(([ip]) => ip);
    if (bad.stickyRouter) return live[0];
    return live.find((ip) => cache.has(ip) && cache.get(ip)!.state !== 'INCOMPLETE') ?? live[turn++ % Math.max(1, live.length)];
  };
  const cache = new Map<string, Entry>();
  const clockRate = bad.starvedClock ? 0.1 : bad.slowClock ? 0.5 : bad.fastClock ? 1.2 : 1;
  // Only fastClock runs every timer by the node's clock; slowClock slows DELAY_FIRST_PROBE_TIME alone (the cases
  // it was written for wait on that timer), starvedClock stops ReachableTime.
  const timerRate = bad.fastClock ? clockRate : 1;
  // Every timer comes from `later`, so the node's stop() ends them all.
  const node = fakeNodeBasics(link);
  const { later, send } = node;
  const prefixOf = (a: string) => normalizeIpv6(`${a.split(':').slice(0, 4).join(':')}::`);
  const onLink = (a: string) => bad.allOnLink || a.startsWith('fe80:') || (prefixes.get(prefixOf(a)) ?? 0) > Date.now();

  const ns = (target: string, dst: string, dstMac: string) =>
    send({ eth: { src: mac, dst: dstMac }, ipv6: { src: ll, dst, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target, options: bad.noSllaInNs ? [] : [{ type: 'source-lla', mac }] } });
  /** The real ms a timer of `ms` on the node's own clock takes. */
  const onClock = (ms: number) => ms / timerRate;
  const setTimer = (e: Entry, ms: number, f: () => void) => {
    if (e.timer) clearTimeout(e.timer);
    e.timer = later(ms, f);
  };
  const enter = (ip: string, e: Entry, state: State) => {
    e.state = state;
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
    if (state === 'REACHABLE' && !bad.reachableForever && !bad.starvedClock) setTimer(e, onClock(reachableMs), () => enter(ip, e, Date.now() - e.usedAt < DELAY_MS ? 'DELAY' : 'STALE'));
    if (state === 'DELAY') setTimer(e, bad.noProbe ? 3_600_000 : bad.slowClock ? 2 * DELAY_MS : onClock(DELAY_MS), () => enter(ip, e, 'PROBE'));
    if (state === 'PROBE') {
      e.tries = 0;
      const probe = () => {
        if (e.tries >= (bad.fourProbes ? 4 : 3)) return void cache.delete(ip);
        e.tries++;
        ns(ip, ip, e.mac!);
        setTimer(e, onClock(retransMs), probe);
      };
      probe();
    }
  };
  /** Sends what waited for resolution; using a STALE entry puts it in DELAY (RFC 4861 §7.3.3). */
  const flush = (ip: string, e: Entry) => {
    const queued = e.queue.splice(0);
    if (queued.length > 0 && e.state === 'STALE') enter(ip, e, bad.probeAtOnce ? 'PROBE' : 'DELAY');
    for (const q of queued) send({ ...q, eth: { src: mac, dst: e.mac! } });
  };
  /** Sends `spec` (IPv6 destination set) to its next hop through the neighbor cache. */
  const output = (spec: FrameSpec) => {
    const dst = normalizeIpv6(spec.ipv6!.dst);
    if (dst.startsWith('ff')) return send({ ...spec, eth: { src: mac, dst: multicastMac(dst) } });
    const hop = onLink(dst) ? dst : defaultRouter();
    if (!hop) return;
    let e = cache.get(hop);
    if (!e) {
      if (bad.noResolution) return;
      e = { state: 'INCOMPLETE', isRouter: false, queue: [], tries: 0, usedAt: Date.now() };
      cache.set(hop, e);
      const entry = e;
      const solicit = () => {
        if (entry.state !== 'INCOMPLETE') return;
        if (entry.tries >= (bad.fourSolicitations ? 4 : 3)) return void cache.delete(hop);
        entry.tries++;
        const group = solicitedNodeMulticast(hop);
        ns(hop, group, multicastMac(group));
        setTimer(entry, bad.fastRetransmit ? 500 : onClock(retransMs), solicit);
      };
      later(0, solicit);
    }
    e.usedAt = Date.now();
    if (e.state === 'INCOMPLETE') {
      // Three packets queued, the newest replacing the oldest (RFC 4861 §7.2.2), unless told to keep the first.
      if (!bad.queueKeepsOldest || e.queue.length === 0) e.queue.push(spec);
      if (e.queue.length > 3) e.queue.shift();
      return;
    }
    if (e.state === 'STALE') enter(hop, e, bad.probeAtOnce ? 'PROBE' : 'DELAY');
    send({ ...spec, eth: { src: mac, dst: e.mac! } });
  };
  /** What an NS's SLLA (or an RA's) does to the sender's entry (RFC 4861 §7.2.3). */
  const learnFromSolicitation = (src: string, slla: string | undefined) => {
    if (!slla) return;
    const e = cache.get(src);
    if (!e) return void cache.set(src, { state: 'STALE', mac: slla, isRouter: false, queue: [], tries: 0, usedAt: 0 });
    if (e.mac === slla && e.state !== 'INCOMPLETE') return void (bad.nsMakesStale && enter(src, e, 'STALE'));
    if (e.mac && e.mac !== slla && bad.nsKeepsOldLla) return;
    e.mac = slla;
    enter(src, e, 'STALE');
    flush(src, e);
  };
  const dropRouter = (ip: string) => routers.delete(ip);

  const receive = (f: DecodedFrame) => {
    if (!f.ipv6 || !f.eth) return;
    const src = normalizeIpv6(f.ipv6.src);
    const dst = normalizeIpv6(f.ipv6.dst);
    let m = f.icmpv6;
    const frag = f.extensionHeaders.find((h) => h.type === 'fragment');
    if (frag) {
      if (!bad.acceptFragmentedNd) return;
      m = reassemble(f);
      if (!m) return;
    }
    if (m?.type === 'router-solicitation' && mode === 'router' && !bad.ignoreRs) {
      if (f.ipv6.hopLimit !== 255 || src === '::') return;
      const slla = m.options.find((o) => o.type === 'source-lla');
      return learnFromSolicitation(src, slla?.type === 'source-lla' ? slla.mac : undefined);
    }
    if (m?.type === 'neighbor-solicitation' && !bad.ignoreNs) {
      if (f.ipv6.hopLimit !== 255 || src === '::') return;
      const target = normalizeIpv6(m.target);
      const isAnycast = anycast.has(target);
      if (!addresses.has(target) && !isAnycast) return;
      const slla = m.options.find((o) => o.type === 'source-lla');
      const wasRouter = cache.get(src)?.isRouter;
      learnFromSolicitation(src, slla?.type === 'source-lla' ? slla.mac : undefined);
      const e = cache.get(src);
      if (e && wasRouter !== undefined) e.isRouter = bad.nsClearsIsRouter ? false : wasRouter;
      if (bad.nsClearsIsRouter && wasRouter) dropRouter(src);
      const answer: FrameSpec = {
        eth: { src: mac, dst: '00:00:00:00:00:00' },
        ipv6: { src: isAnycast ? [...addresses].find((a) => !a.startsWith('fe80')) ?? ll : target, dst: bad.answersToAllNodes ? 'ff02::1' : src, hopLimit: 255 },
        icmpv6: { type: 'neighbor-advertisement', target, router: mode === 'router', solicited: !bad.unsolicitedAnswers, override: !isAnycast || Boolean(bad.anycastOverride), options: [{ type: 'target-lla', mac }] },
      };
      return void later(isAnycast ? Math.random() * 300 : 0, () => output(answer));
    }
    if (m?.type === 'neighbor-advertisement' && !bad.ignoreNa) {
      if (f.ipv6.hopLimit !== 255 || (dst.startsWith('ff') && m.solicited)) return;
      const target = normalizeIpv6(m.target);
      const e = cache.get(target);
      if (!e) return;
      const o = m.options.find((x) => x.type === 'target-lla');
      const tlla = o?.type === 'target-lla' ? o.mac : undefined;
      if (e.state === 'INCOMPLETE') {
        if (!tlla) return;
        e.mac = tlla;
        e.isRouter = m.router;
        enter(target, e, m.solicited ? 'REACHABLE' : 'STALE');
        return flush(target, e);
      }
      const differs = tlla !== undefined && tlla !== e.mac;
      if (differs && !m.override && !bad.alwaysOverride) return void (e.state === 'REACHABLE' && !bad.naKeepsState && enter(target, e, 'STALE'));
      if (differs) e.mac = tlla;
      if (!bad.naKeepsState) {
        if (m.solicited) enter(target, e, 'REACHABLE');
        else if (differs) enter(target, e, 'STALE');
      }
      if (!bad.ignoreRouterFlag) {
        if (e.isRouter && !m.router) dropRouter(target);
        e.isRouter = m.router;
      }
      return;
    }
    if (m?.type === 'router-advertisement' && mode !== 'router' && !bad.ignoreRa) {
      if (f.ipv6.hopLimit !== 255 || !src.startsWith('fe80:')) return;
      if (m.routerLifetime > 0) routers.set(src, Date.now() + m.routerLifetime * 1000);
      else routers.delete(src);
      if (m.retransTimer > 0) retransMs = m.retransTimer;
      if (m.reachableTime > 0) (baseReachableMs = m.reachableTime), rerandom();
      const slla = m.options.find((x) => x.type === 'source-lla');
      if (slla?.type === 'source-lla') learnFromSolicitation(src, slla.mac);
      const e = cache.get(src);
      if (e) e.isRouter = true;
      for (const p of m.options) {
        if (p.type !== 'prefix-info') continue;
        const prefix = normalizeIpv6(p.prefix);
        if (p.onLink) {
          if (!(bad.noLifetimeRefresh && prefixes.has(prefix))) prefixes.set(prefix, Date.now() + p.validLifetime * 1000);
        } else if (bad.lClearRemovesPrefix) prefixes.delete(prefix);
        const address = normalizeIpv6(slaacAddress(prefix, mac));
        if (!p.autonomous || p.prefixLength !== 64 || addresses.has(address)) continue;
        // DAD (RFC 4862 §5.4.2), then the address is in use.
        const group = solicitedNodeMulticast(address);
        later(100, () => send({ eth: { src: mac, dst: multicastMac(group) }, ipv6: { src: '::', dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: address } }));
        later(200, () => addresses.add(address));
      }
      return;
    }
    if (m?.type === 'echo-request' && addresses.has(dst)) {
      output({ eth: { src: mac, dst: mac }, ipv6: { src: dst, dst: src, hopLimit: 64 }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } });
    }
  };

  /** The ND message of a whole atomic fragment, or of two fragments once both are in (the lax NUT only). */
  const pieces = new Map<number, { first?: Uint8Array; rest?: Uint8Array; hdr: Uint8Array }>();
  function reassemble(f: DecodedFrame): DecodedFrame['icmpv6'] {
    const h = f.extensionHeaders.find((x) => x.type === 'fragment');
    if (h?.type !== 'fragment') return undefined;
    // An atomic fragment is decoded whole already.
    if (h.fragmentOffset === 0 && !h.more && f.icmpv6) return f.icmpv6;
    if (!f.payload) return undefined;
    const slot = pieces.get(h.id) ?? { hdr: buildFrame({ eth: f.eth!, ipv6: { src: f.ipv6!.src, dst: f.ipv6!.dst, hopLimit: f.ipv6!.hopLimit } }) };
    pieces.set(h.id, slot);
    if (h.fragmentOffset === 0) slot.first = f.payload.bytes;
    else slot.rest = f.payload.bytes;
    const whole = h.fragmentOffset === 0 && !h.more ? slot.first : slot.first && slot.rest ? Uint8Array.from([...slot.first, ...slot.rest]) : undefined;
    if (!whole) return undefined;
    const ip = Uint8Array.from([...slot.hdr.subarray(14, 54), ...whole]);
    ip[6] = 58;
    ip[4] = whole.length >> 8;
    ip[5] = whole.length & 0xff;
    return decodeIpv6Packet(ip).icmpv6;
  }

  let radvdConf = '';
  let radvdRunning = false;
  node.listen((bytes) => receive(decodeFrame(bytes)));
  return {
    async exec(argv) {
      const words = argv.join(' ');
      if (argv[0] === 'cat' && argv[1]?.endsWith('/base_reachable_time_ms')) return { code: 0, stdout: `${baseReachableMs}\n`, stderr: '' };
      // radvd as far as the neighbor cache sees it: the case's configuration file, and AdvReachableTime written into the interface.
      if (argv[0] === 'sh' && argv[2]?.includes('printf "%s" "$2" > "$1"') && argv[3] === 'radvd-conf') radvdConf = argv[5] ?? '';
      if (argv[0] === '/usr/sbin/radvd' && argv[2]?.includes('case')) {
        radvdRunning = true;
        const reachable = /AdvReachableTime (\d+);/.exec(radvdConf);
        if (reachable && Number(reachable[1]) > 0 && !bad.radvdKeepsReachableTime) (baseReachableMs = Number(reachable[1])), rerandom();
      }
      if (argv[0] === 'sh' && argv[3] === 'radvd-running') return { code: 0, stdout: radvdRunning && argv[4]?.includes('case') ? 'yes\n' : 'no\n', stderr: '' };
      if (argv[0] === 'sh' && argv[3] === 'stop-radvd' && argv[4]?.includes('case')) radvdRunning = false;
      const clock = uptimeAnswer(argv, clockRate);
      if (clock) return clock;
      const sysctl = /net\.ipv6\.neigh\.\S+\.(base_reachable_time_ms|retrans_time_ms)=(\d+)/.exec(words);
      if (sysctl) {
        if (sysctl[1] === 'retrans_time_ms') retransMs = Number(sysctl[2]);
        else (baseReachableMs = Number(sysctl[2])), rerandom();
      } else if (/neigh show (\S+)/.test(words)) {
        const ip = normalizeIpv6(/neigh show (\S+)/.exec(words)![1]!);
        const e = cache.get(ip);
        return { code: 0, stdout: e ? `${ip} dev eth1 lladdr ${e.mac ?? ''} ${e.state}\n` : '', stderr: '' };
      } else if (/neigh flush/.test(words)) {
        for (const e of cache.values()) if (e.timer) clearTimeout(e.timer);
        cache.clear();
      } else if (/route add default via (\S+)/.test(words)) routers.set(normalizeIpv6(/via (\S+)/.exec(words)![1]!), Infinity);
      else if (/route del default via/.test(words)) routers.clear();
      else if (/route flush .*proto ra/.test(words)) {
        routers.clear();
        if (mode !== 'router') prefixes.clear();
      } else if (/addr flush .* to (\S+)\/128/.test(words)) addresses.delete(normalizeIpv6(/to (\S+)\/128/.exec(words)![1]!));
      return { code: 0, stdout: '', stderr: '' };
    },
    stop: node.stop,
  };
}
