// A deliberately small IPv6 node for the Section 2 and 3 case tests: it validates ND messages (RFC 4861
// §6.1, §7.1), resolves neighbors with a queue and retries, runs DAD when its interface is restarted
// through `exec`, solicits routers, and autoconfigures from RAs (RFC 4862 §5.5.3) -- unless told to get
// one of those things wrong, so each case is shown to FAIL for the right reason. Not a stand-in for the
// kernel in end-to-end tests (those boot a real Linux).
import type { ExecResult, Link, NutMode } from '@testlab/core';
import { decodeFrame, linkLocalFromMac, multicastMac, normalizeIpv6, slaacAddress, solicitedNodeMulticast, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fakeNodeBasics } from './fake-node-basics.js';
import { uptimeAnswer } from './fake-uptime.js';

export interface NdMisbehaviour {
  /** Accepts ND messages that fail validation (hop limit, checksum, code, length, options, multicast target...). */
  skipNdValidation?: boolean;
  /** Answers NS without a NA, or never answers at all. */
  noNeighborAdvertisement?: boolean;
  /** Ignores the SLLA of a solicitation and resolves the sender first. */
  ignoreSlla?: boolean;
  /** Leaves the TLLA out of answers to multicast solicitations. */
  noTllaInMulticastAnswer?: boolean;
  /** Keeps the link-layer address it has for a neighbor when a solicitation brings a new one. */
  keepOldLla?: boolean;
  /** Takes a new link-layer address from an NA even without the Override flag. */
  alwaysOverride?: boolean;
  /** Ignores every Neighbor Advertisement (the "does nothing" NUT of the NA cases). */
  ignoreEveryNa?: boolean;
  /** Forgets a neighbor when an NA about it arrives. */
  dropEntryOnNa?: boolean;
  /** Never probes a neighbor it learned without confirmation (no DELAY/PROBE). */
  noProbe?: boolean;
  /** Creates a neighbor entry from an NA nobody asked for. */
  createNceFromUnsolicitedNa?: boolean;
  /** Completes resolution from an NA without a TLLA (using the Ethernet source). */
  acceptNaWithoutTlla?: boolean;
  /** Sends to the Ethernet source of an NA instead of its TLLA. */
  useEthernetSource?: boolean;
  /** Never starts DAD after the interface comes up. */
  noDad?: boolean;
  /** Keeps its address whatever DAD hears. */
  ignoreDadConflicts?: boolean;
  /** Gives its address up on any NS/NA naming it during DAD, valid or not. */
  dadFailsOnAnything?: boolean;
  /** Answers solicitations for its address while it is tentative. */
  answerWhileTentative?: boolean;
  /** Router Solicitations with hop limit 64. */
  rsHopLimit64?: boolean;
  /** Router Solicitations 2 s apart. */
  rsTooFast?: boolean;
  /** Its jiffies (its RS timer, its /proc/stat) run at 1.2 times real time, as a starved VM catching up ticks. Not a fault. */
  fastClock?: boolean;
  /** Goes on soliciting after a valid RA. */
  keepSoliciting?: boolean;
  /** Sends 4 Router Solicitations. */
  fourSolicitations?: boolean;
  /** Sends a 4th Router Solicitation this long after the 3rd (Linux's RFC 7559 backoff: 16 s, later on a loaded NUT). */
  fourthRsAfterMs?: number;
  /** As a host, answers Router Solicitations with an RA. */
  answerRs?: boolean;
  /** Takes a Cur Hop Limit of 0 from an RA as the new hop limit. */
  applyZeroHopLimit?: boolean;
  /** Ignores every RA. */
  ignoreRa?: boolean;
  /** Autoconfigures from any prefix option, whatever RFC 4862 §5.5.3 says. */
  autoconfAnyPrefix?: boolean;
  /** As a router, sends RAs with hop limit 64. */
  raHopLimit64?: boolean;
}

export const FAKE_ND_MAC = '52:54:00:00:00:01';

/** RFC timers scaled down where a case does not measure them. */
const RETRANS_MS = 1_000;
const RS_INTERVAL_MS = 4_000;

interface Neighbor {
  mac?: string;
  /** Learned without confirmation (from an NS, or an NA without S): used, it is probed 5 s later (DELAY, PROBE). */
  stale?: boolean;
  probe?: NodeJS.Timeout;
  queue: Array<(mac: string) => void>;
  tries: number;
  timer?: NodeJS.Timeout;
}

export interface FakeNdNut {
  exec(argv: string[]): Promise<ExecResult>;
  stop(): void;
}

export function startFakeNdNut(link: Link, mode: NutMode, bad: NdMisbehaviour = {}): FakeNdNut {
  const mac = FAKE_ND_MAC;
  const ll = normalizeIpv6(linkLocalFromMac(mac));
  /** Addresses and whether DAD is over; a failed one is removed. */
  const addresses = new Map<string, 'tentative' | 'preferred'>([[ll, 'preferred']]);
  const neighbors = new Map<string, Neighbor>();
  let hopLimit = 64;
  // Every timer comes from `later`, so the node's stop() ends them all.
  const node = fakeNodeBasics(link);
  const { later, send } = node;
  const valid = (f: DecodedFrame, minLength: number): boolean =>
    Boolean(bad.skipNdValidation) ||
    (f.ipv6?.hopLimit === 255 && f.icmpv6 !== undefined && f.icmpv6.checksumOk && f.icmpv6.code === 0 && f.icmpv6.length >= minLength && !f.errors.some((e) => /length 0/.test(e)));

  const sendNa = (target: string, dst: string, dstMac: string, solicited: boolean, withTlla: boolean) =>
    send({
      eth: { src: mac, dst: dstMac },
      ipv6: { src: target, dst, hopLimit: 255 },
      icmpv6: { type: 'neighbor-advertisement', target, solicited, override: true, router: mode === 'router', options: withTlla ? [{ type: 'target-lla', mac }] : [] },
    });

  /** Sends to `ip` once its link-layer address is known, resolving it first (3 tries, RetransTimer apart). */
  const sendTo = (ip: string, build: (dstMac: string) => FrameSpec) => {
    const n = neighbors.get(ip) ?? { queue: [], tries: 0 };
    neighbors.set(ip, n);
    if (n.mac) {
      if (n.stale && !n.probe && !bad.noProbe) {
        n.probe = later(5_000, () => {
          if (!n.mac) return;
          send({ eth: { src: mac, dst: n.mac }, ipv6: { src: ll, dst: ip, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: ip, options: [{ type: 'source-lla', mac }] } });
        });
      }
      return send(build(n.mac));
    }
    n.queue.push((m) => send(build(m)));
    if (n.timer) return;
    const solicit = () => {
      if (n.mac || n.tries >= 3) return void (n.tries >= 3 && neighbors.delete(ip));
      n.tries++;
      const group = solicitedNodeMulticast(ip);
      send({ eth: { src: mac, dst: multicastMac(group) }, ipv6: { src: ll, dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: ip, options: [{ type: 'source-lla', mac }] } });
      n.timer = later(RETRANS_MS, solicit);
    };
    solicit();
  };
  const learned = (ip: string, m: string, confirmed = false) => {
    const n = neighbors.get(ip) ?? { queue: [], tries: 0 };
    neighbors.set(ip, n);
    n.stale = !confirmed;
    n.mac = m;
    if (n.timer) clearTimeout(n.timer);
    for (const q of n.queue.splice(0)) q(m);
  };

  const dad = (address: string, done?: () => void) => {
    addresses.set(address, 'tentative');
    later(100, () => {
      const group = solicitedNodeMulticast(address);
      send({ eth: { src: mac, dst: multicastMac(group) }, ipv6: { src: '::', dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: address } });
      later(RETRANS_MS, () => {
        if (addresses.get(address) !== 'tentative') return;
        addresses.set(address, 'preferred');
        done?.();
      });
    });
  };
  const conflict = (address: string) => {
    if (addresses.get(address) === 'tentative' && !bad.ignoreDadConflicts) addresses.delete(address);
  };

  let raReceived = false;
  const solicitRouters = () => {
    raReceived = false;
    const gap = bad.rsTooFast ? 2_000 : bad.fastClock ? RS_INTERVAL_MS / 1.2 : RS_INTERVAL_MS;
    const count = bad.fourSolicitations ? 4 : 3;
    const at = Array.from({ length: count }, (_, i) => 300 + i * gap);
    if (bad.fourthRsAfterMs !== undefined) at.push(at[2]! + bad.fourthRsAfterMs);
    for (const ms of at) {
      later(ms, () =>
        (raReceived && !bad.keepSoliciting) ? undefined : send({ eth: { src: mac, dst: multicastMac('ff02::2') }, ipv6: { src: ll, dst: 'ff02::2', hopLimit: bad.rsHopLimit64 ? 64 : 255 }, icmpv6: { type: 'router-solicitation', options: [{ type: 'source-lla', mac }] } }),
      );
    }
  };

  node.listen((bytes) => {
    const f = decodeFrame(bytes);
    if (!f.ipv6 || !f.eth || f.ipv6.version !== 6) return;
    const src = normalizeIpv6(f.ipv6.src);
    const dst = normalizeIpv6(f.ipv6.dst);
    const m = f.icmpv6;
    const tentative = addresses.get(ll) === 'tentative';
    if (bad.dadFailsOnAnything && tentative && (m?.type === 'neighbor-solicitation' || m?.type === 'neighbor-advertisement' || (m?.type === 'other' && [135, 136].includes(m.icmpType)))) {
      return conflict(ll);
    }
    // A frame whose ICMPv6 decoding fell back to "other" (too short) is an invalid ND message of that type.
    if (m?.type === 'other' && [134, 135, 136].includes(m.icmpType)) {
      if (!bad.skipNdValidation) return;
      // Read as far as it goes: an NS is taken as one for our address, an NA as one from its sender.
      if (m.icmpType === 135 && src !== '::') learned(src, f.eth.src);
      if (m.icmpType === 135 && src !== '::') sendTo(src, (dstMac) => ({ eth: { src: mac, dst: dstMac }, ipv6: { src: ll, dst: src, hopLimit: 255 }, icmpv6: { type: 'neighbor-advertisement', target: ll, solicited: true, override: true } }));
      if (m.icmpType === 136 && neighbors.has(src)) learned(src, f.eth.src);
      return;
    }
    if (m?.type === 'neighbor-solicitation') {
      if (!valid(f, 24)) return;
      const target = normalizeIpv6(m.target);
      const isDad = src === '::';
      if (!bad.skipNdValidation && (target.startsWith('ff') || (isDad && (!dst.startsWith('ff02::1:ff') || m.options.some((o) => o.type === 'source-lla'))))) return;
      const state = addresses.get(target);
      if (state === 'tentative') {
        if (isDad || bad.dadFailsOnAnything) conflict(target);
        if (!bad.answerWhileTentative) return;
      }
      if (!state || bad.noNeighborAdvertisement) return;
      if (isDad) return sendNa(target, 'ff02::1', multicastMac('ff02::1'), false, true);
      const slla = m.options.find((o) => o.type === 'source-lla');
      if (slla?.type === 'source-lla' && !bad.ignoreSlla) {
        if (!(bad.keepOldLla && neighbors.get(src)?.mac)) learned(src, slla.mac);
      }
      // A lax node reads the sender from the Ethernet header when the options could not be parsed.
      else if (bad.skipNdValidation && f.errors.length > 0) learned(src, f.eth.src);
      const withTlla = dst.startsWith('ff') ? !bad.noTllaInMulticastAnswer : true;
      return sendTo(src, (dstMac) => ({
        eth: { src: mac, dst: dstMac },
        ipv6: { src: target, dst: src, hopLimit: 255 },
        icmpv6: { type: 'neighbor-advertisement', target, solicited: true, override: true, router: mode === 'router', options: withTlla ? [{ type: 'target-lla', mac }] : [] },
      }));
    }
    if (m?.type === 'neighbor-advertisement') {
      if (bad.ignoreEveryNa || !valid(f, 24)) return;
      const target = normalizeIpv6(m.target);
      if (!bad.skipNdValidation && (target.startsWith('ff') || (dst.startsWith('ff') && m.solicited))) return;
      if (addresses.has(target)) {
        if (addresses.get(target) === 'tentative') conflict(target);
        return;
      }
      const tlla = m.options.find((o) => o.type === 'target-lla');
      // A lax node takes an NA about a multicast target as news of its sender.
      const about = bad.skipNdValidation && !neighbors.has(target) ? src : target;
      const n = neighbors.get(about);
      if (!n && !bad.createNceFromUnsolicitedNa) return;
      if (bad.dropEntryOnNa && n?.mac) return void neighbors.delete(about);
      const lax = bad.acceptNaWithoutTlla || (bad.skipNdValidation && f.errors.length > 0);
      const lla = bad.useEthernetSource ? f.eth.src : tlla?.type === 'target-lla' ? tlla.mac : lax ? f.eth.src : undefined;
      if (!lla) return;
      // An entry that has an address keeps it against an NA without the Override flag (RFC 4861 §7.2.5).
      if (n?.mac && lla !== n.mac && !m.override && !bad.alwaysOverride) return;
      learned(about, lla, m.solicited);
      return;
    }
    if (m?.type === 'router-solicitation') {
      if (!valid(f, 8)) return;
      if (mode === 'router' || bad.answerRs) {
        later(50, () =>
          send({
            eth: { src: mac, dst: multicastMac('ff02::1') },
            ipv6: { src: ll, dst: 'ff02::1', hopLimit: bad.raHopLimit64 ? 64 : 255 },
            icmpv6: { type: 'router-advertisement', routerLifetime: 1800, options: [{ type: 'source-lla', mac }, { type: 'prefix-info', prefix: '3ffe:501:ffff:100::', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 2592000, preferredLifetime: 604800 }] },
          }),
        );
      }
      return;
    }
    if (m?.type === 'router-advertisement') {
      if (mode === 'router' || bad.ignoreRa || !valid(f, 16)) return;
      if (!bad.skipNdValidation && !src.startsWith('fe80:')) return;
      raReceived = true;
      if (m.curHopLimit !== 0 || bad.applyZeroHopLimit) hopLimit = m.curHopLimit;
      for (const o of m.options) {
        if (o.type !== 'prefix-info') continue;
        const ok = o.autonomous && !o.prefix.startsWith('fe80') && o.preferredLifetime <= o.validLifetime && o.prefixLength === 64 && o.validLifetime > 0;
        if (!ok && !bad.autoconfAnyPrefix) continue;
        const address = normalizeIpv6(slaacAddress(o.prefix, mac));
        if (!addresses.has(address)) dad(address);
      }
      return;
    }
    if (m?.type === 'echo-request' && (addresses.get(dst) === 'preferred' || dst === 'ff02::1')) {
      const from = dst === 'ff02::1' ? ll : dst;
      sendTo(src, (dstMac) => ({ eth: { src: mac, dst: dstMac }, ipv6: { src: from, dst: src, hopLimit }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } }));
    }
  });

  return {
    async exec(argv) {
      const clock = uptimeAnswer(argv, bad.fastClock ? 1.2 : 1);
      if (clock) return clock;
      // Interface restarts of the DAD and RS cases; everything else (neighbor flushes, cleanups) just succeeds.
      const words = argv.join(' ');
      if (/ link set dev \S+ down$/.test(words)) {
        addresses.clear();
        neighbors.clear();
      } else if (/ link set dev \S+ up$/.test(words)) {
        if (bad.noDad) addresses.set(ll, 'preferred');
        else dad(ll, () => mode !== 'router' && solicitRouters());
      } else if (argv.includes('-j')) {
        // The pool's record of the NUT's routes and global addresses (base-state.ts): none on this fake.
        return { code: 0, stdout: '[]\n', stderr: '' };
      } else if (/neigh flush/.test(words)) {
        neighbors.clear();
      } else if (/ -6 addr show dev /.test(words)) {
        // As iproute2 lists them: the lab waits until no address is tentative before handing a NUT out.
        const lines = [...addresses].map(([a, state]) => `    inet6 ${a}/64 scope link${state === 'tentative' ? ' tentative' : ''} \n       valid_lft forever preferred_lft forever`);
        return { code: 0, stdout: `2: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n${lines.join('\n')}\n`, stderr: '' };
      }
      return { code: 0, stdout: '', stderr: '' };
    },
    stop: node.stop,
  };
}
