// A small IPv6 node for the Section 3.2 case tests: a link-local address and SLAAC addresses probed by DAD,
// EUI-64 or RFC 7217 interface identifiers (a new one, DAD_Counter + 1, after a conflict), RA prefix options
// processed as RFC 4862 §5.5.3 says (a-d, and e with the 2-hour rule), addresses that expire with their valid
// lifetime, NAs for its addresses (solicited, and defending against DAD probes), and the management commands
// the cases use (interface restart, ip addr add/del/flush, ip -j addr show) -- unless told to get one of those
// wrong, so each case is shown to FAIL for the right reason. Real timers: lifetimes are the RAs' seconds.
import { createHash, randomBytes } from 'node:crypto';
import type { ExecResult, Link, NutMode } from '@testlab/core';
import { buildFrame, decodeFrame, eui64InterfaceId, formatIpv6, ipv6Bytes, multicastMac, normalizeIpv6, solicitedNodeMulticast, type FrameSpec } from '@testlab/packet';
import { uptimeAnswer } from './fake-uptime.js';

export const FAKE_SLAAC_MAC = '52:54:00:00:00:01';

const RETRANS_MS = 1_000;
const IDGEN_DELAY_MS = 1_000;
const IDGEN_RETRIES = 3;
const TWO_HOURS_S = 7200;
const FOREVER = 0xffffffff;

export interface SlaacMisbehaviour {
  /** Drops every Router Advertisement. */
  ignoreRa?: boolean;
  /** Forms addresses from any prefix option: A flag clear, link-local, preferred > valid, any length. */
  acceptAnyPrefix?: boolean;
  /** Accepts RAs whatever their hop limit. */
  skipRaValidation?: boolean;
  /** Takes fe80::/64 like any other prefix: forms its link-local address again and probes it. */
  autoconfLinkLocalPrefix?: boolean;
  /** Assigns addresses without probing them. */
  noDad?: boolean;
  /** Does not defend its addresses against DAD probes. */
  ignoreDadProbes?: boolean;
  /** Defends its addresses with the Solicited flag set. */
  solicitedFlagInDefence?: boolean;
  /** Addresses never expire. */
  neverExpire?: boolean;
  /** Its clock runs this many seconds behind (a VM starved of CPU): addresses expire that much later, and `ip -6 addr` counts by it. */
  clockLagS?: number;
  /** Its timer clock (its jiffies: lifetimes, `ip -6 addr`, /proc/stat) runs at this rate of real time (a VM that loses or gains ticks). */
  clockRate?: number;
  /** A later RA for a known prefix changes none of its lifetimes. */
  keepFirstLifetime?: boolean;
  /** A later RA's valid lifetime always replaces the stored one (no 2-hour rule). */
  noTwoHourRule?: boolean;
  /** A stored valid lifetime above 2 hours is cut to 2 hours even when the RA advertises more than 2 hours. */
  twoHourClamp?: boolean;
  /** RFC 7217 identifiers that ignore the prefix: the same for every prefix. */
  sameIidForEveryPrefix?: boolean;
  /** A new secret each time the interface comes up: identifiers are not stable. */
  newSecretEachBoot?: boolean;
  /** Keeps a tentative address whatever DAD hears (takes no notice of other nodes' probes and NAs). */
  ignoreDadConflicts?: boolean;
  /** Gives a conflicting address up without forming a new one. */
  noNewAddressOnConflict?: boolean;
  /** After a conflict, probes the same address again. */
  sameAddressOnConflict?: boolean;
  /** Answers nothing at all from this many ms after it starts. */
  deafAfterMs?: number;
}

export interface SlaacNutOptions {
  interfaceIds?: 'eui64' | 'rfc7217';
  bad?: SlaacMisbehaviour;
}

interface Address {
  prefix: string;
  state: 'tentative' | 'assigned';
  /** Wall-clock ms; Infinity for an infinite lifetime. */
  validUntil: number;
  preferredUntil: number;
  dadCounter: number;
  fromRa: boolean;
  expiry?: NodeJS.Timeout;
}

export interface FakeSlaacNut {
  exec(argv: string[]): Promise<ExecResult>;
  stop(): void;
}

const prefix64 = (address: string): string => {
  const b = ipv6Bytes(address).slice();
  b.fill(0, 8);
  return formatIpv6(b);
};
const until = (now: number, s: number): number => (s === FOREVER ? Infinity : now + s * 1000);
const leftS = (now: number, t: number): number => (t === Infinity ? FOREVER : Math.max(0, Math.floor((t - now) / 1000)));

export function startFakeSlaacNut(link: Link, mode: NutMode, o: SlaacNutOptions = {}): FakeSlaacNut {
  const bad = o.bad ?? {};
  const mac = FAKE_SLAAC_MAC;
  const router = mode === 'router' || mode === 'security-gateway';
  const started = Date.now();
  const rate = bad.clockRate ?? 1;
  /** The fake's own timer clock (ms), which its lifetimes count. */
  const clockNow = () => started + (Date.now() - started) * rate;
  let secret = 'stable secret of the fake';
  const addresses = new Map<string, Address>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, f: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => (timers.delete(t), f()), Math.max(0, ms));
    timers.add(t);
    return t;
  };
  const send = (spec: FrameSpec) => void link.send(buildFrame(spec));

  const form = (prefix: string, counter: number): string => {
    const b = ipv6Bytes(prefix).slice();
    const iid =
      o.interfaceIds === 'rfc7217'
        ? createHash('sha256').update(`${bad.sameIidForEveryPrefix ? '' : prefix}|${mac}|${counter}|${secret}`).digest().subarray(0, 8)
        : eui64InterfaceId(mac);
    b.set(iid, 8);
    return normalizeIpv6(b);
  };
  const linkLocal = () => [...addresses].find(([a]) => a.startsWith('fe80:'))?.[0];

  const remove = (address: string) => {
    const a = addresses.get(address);
    if (a?.expiry) clearTimeout(a.expiry);
    addresses.delete(address);
  };
  const setLifetimes = (address: string, a: Address, validS: number, preferredS: number) => {
    const now = clockNow();
    a.validUntil = until(now, validS);
    a.preferredUntil = until(now, preferredS);
    if (a.expiry) clearTimeout(a.expiry);
    a.expiry = undefined;
    if (a.validUntil !== Infinity && !bad.neverExpire) a.expiry = later((a.validUntil - now) / rate + (bad.clockLagS ?? 0) * 1000, () => addresses.get(address) === a && remove(address));
  };
  const probe = (address: string, a: Address) => {
    a.state = 'tentative';
    if (bad.noDad) return void (a.state = 'assigned');
    later(100 + Math.random() * 200, () => {
      if (addresses.get(address) !== a) return;
      const group = solicitedNodeMulticast(address);
      send({ eth: { src: mac, dst: multicastMac(group) }, ipv6: { src: '::', dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: address } });
      later(RETRANS_MS, () => addresses.get(address) === a && (a.state = 'assigned'));
    });
  };
  const add = (prefix: string, counter: number, validS: number, preferredS: number, fromRa: boolean, address = form(prefix, counter)) => {
    if (addresses.has(address)) return;
    const a: Address = { prefix, state: 'tentative', validUntil: Infinity, preferredUntil: Infinity, dadCounter: counter, fromRa };
    addresses.set(address, a);
    setLifetimes(address, a, validS, preferredS);
    probe(address, a);
  };
  const conflict = (address: string) => {
    const a = addresses.get(address);
    if (a?.state !== 'tentative' || bad.ignoreDadConflicts) return;
    remove(address);
    if (o.interfaceIds !== 'rfc7217' || bad.noNewAddressOnConflict || a.dadCounter >= IDGEN_RETRIES) return;
    const next = bad.sameAddressOnConflict ? a.dadCounter : a.dadCounter + 1;
    const now = clockNow();
    later(IDGEN_DELAY_MS, () => add(a.prefix, next, leftS(now, a.validUntil), leftS(now, a.preferredUntil), a.fromRa, bad.sameAddressOnConflict ? address : undefined));
  };

  /** RFC 4862 §5.5.3 e, or the fault asked for: the valid lifetime (s) to set, undefined to keep the stored one. */
  const newValid = (a: Address, receivedS: number): number | undefined => {
    const received = receivedS === FOREVER ? Infinity : receivedS;
    const remaining = a.validUntil === Infinity ? Infinity : (a.validUntil - clockNow()) / 1000;
    if (bad.noTwoHourRule) return receivedS;
    if (received > remaining || (received > TWO_HOURS_S && !bad.twoHourClamp)) return receivedS;
    return remaining <= TWO_HOURS_S ? undefined : TWO_HOURS_S;
  };

  const onRa = (f: ReturnType<typeof decodeFrame>) => {
    const m = f.icmpv6;
    if (m?.type !== 'router-advertisement' || router || bad.ignoreRa) return;
    if (!m.checksumOk || m.code !== 0 || (f.ipv6?.hopLimit !== 255 && !bad.skipRaValidation) || !normalizeIpv6(f.ipv6!.src).startsWith('fe80:')) return;
    for (const p of m.options) {
      if (p.type !== 'prefix-info') continue;
      const prefix = prefix64(p.prefix);
      const linkLocalPrefix = prefix.startsWith('fe80:');
      if (linkLocalPrefix && bad.autoconfLinkLocalPrefix) {
        const ll = linkLocal();
        if (ll) probe(ll, addresses.get(ll)!);
        continue;
      }
      const ok = p.autonomous && !linkLocalPrefix && p.preferredLifetime <= p.validLifetime && p.prefixLength === 64;
      if (!ok && !bad.acceptAnyPrefix) continue;
      const known = [...addresses].find(([, a]) => a.fromRa && a.prefix === prefix);
      if (!known) {
        // A lax node takes a valid lifetime of 0 as no lifetime at all.
        if (p.validLifetime > 0) add(prefix, 0, p.validLifetime, p.preferredLifetime, true);
        else if (bad.acceptAnyPrefix) add(prefix, 0, FOREVER, FOREVER, true);
        continue;
      }
      if (bad.keepFirstLifetime) continue;
      const [address, a] = known;
      const valid = newValid(a, p.validLifetime);
      setLifetimes(address, a, valid ?? leftS(clockNow(), a.validUntil), p.preferredLifetime);
    }
  };

  const onNd = (f: ReturnType<typeof decodeFrame>) => {
    const m = f.icmpv6;
    if ((m?.type !== 'neighbor-solicitation' && m?.type !== 'neighbor-advertisement') || !f.ipv6 || !f.eth) return;
    if (f.ipv6.hopLimit !== 255 || !m.checksumOk || m.code !== 0 || m.length < 24) return;
    const target = normalizeIpv6(m.target);
    const src = normalizeIpv6(f.ipv6.src);
    const a = addresses.get(target);
    if (!a) return;
    if (m.type === 'neighbor-advertisement') return conflict(target);
    if (a.state === 'tentative') return void (src === '::' && conflict(target));
    const reply = (dst: string, dstMac: string, solicited: boolean) =>
      send({
        eth: { src: mac, dst: dstMac },
        ipv6: { src: target, dst, hopLimit: 255 },
        icmpv6: { type: 'neighbor-advertisement', target, solicited, override: true, router, options: [{ type: 'target-lla', mac }] },
      });
    if (src === '::') return void (!bad.ignoreDadProbes && reply('ff02::1', multicastMac('ff02::1'), Boolean(bad.solicitedFlagInDefence)));
    const slla = m.options.find((x) => x.type === 'source-lla');
    reply(src, slla?.type === 'source-lla' ? slla.mac : f.eth.src, true);
  };

  const stopListening = link.onFrame((bytes) => {
    if (bad.deafAfterMs !== undefined && Date.now() - started > bad.deafAfterMs) return;
    const f = decodeFrame(bytes);
    if (!f.ipv6 || f.ipv6.version !== 6) return;
    onRa(f);
    onNd(f);
  });

  const clear = () => {
    for (const address of [...addresses.keys()]) remove(address);
  };
  const up = () => {
    if (bad.newSecretEachBoot) secret = randomBytes(16).toString('hex');
    add('fe80::', 0, FOREVER, FOREVER, false);
  };
  // Booted: the link-local address is there already.
  addresses.set(form('fe80::', 0), { prefix: 'fe80::', state: 'assigned', validUntil: Infinity, preferredUntil: Infinity, dadCounter: 0, fromRa: false });

  const addrShow = () => {
    const now = clockNow() - (bad.clockLagS ?? 0) * 1000;
    const info = [...addresses].map(([local, a]) => ({ family: 'inet6', local, prefixlen: 64, valid_life_time: leftS(now, a.validUntil), preferred_life_time: leftS(now, a.preferredUntil) }));
    return JSON.stringify([{ ifindex: 2, ifname: 'eth1', addr_info: info }]);
  };

  return {
    async exec(argv) {
      const words = argv.join(' ');
      let m: RegExpExecArray | null;
      if (/ link set dev \S+ down$/.test(words)) clear();
      else if (/ link set dev \S+ up$/.test(words)) up();
      else if ((m = / -6 addr add (\S+)\/64 dev /.exec(words))) add(prefix64(m[1]!), 0, FOREVER, FOREVER, false, normalizeIpv6(m[1]!));
      else if ((m = / -6 addr del (\S+)\/64 dev /.exec(words))) remove(normalizeIpv6(m[1]!));
      else if ((m = / -6 addr flush dev \S+ to (\S+)\/(64|128)$/.exec(words))) {
        const [, to, len] = m;
        for (const address of [...addresses.keys()]) if (len === '128' ? address === normalizeIpv6(to!) : prefix64(address) === prefix64(to!)) remove(address);
      }
      else if (/ -j -6 addr show dev /.test(words)) return { code: 0, stdout: addrShow(), stderr: '' };
      else if (words === 'cat /proc/uptime /proc/stat') return uptimeAnswer(argv, rate)!;
      return { code: 0, stdout: '', stderr: '' };
    },
    stop() {
      stopListening();
      for (const t of timers) clearTimeout(t);
      clear();
    },
  };
}
