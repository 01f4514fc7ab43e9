// radvd.conf text from validated settings: what a router NUT advertises on one interface (RFC 4861
// §6.2.1 router configuration variables, RFC 4191 preferences and Route Information, RFC 8106 DNS).
// Every value is a checked number or one of our own names, so the text can never carry another statement.
import { normalizeIpv6 } from '@testlab/packet';

export type Preference = 'high' | 'medium' | 'low';

export interface AdvertisedPrefix {
  prefix: string;
  length: number;
  onLink?: boolean;
  autonomous?: boolean;
  /** Seconds; 0xffffffff is infinity. RFC 4861 §6.2.1 defaults: 2592000 and 604800. */
  validLifetime?: number;
  preferredLifetime?: number;
}

export interface AdvertisedRoute {
  prefix: string;
  length: number;
  preference?: Preference;
  lifetime: number;
}

/** One advertising interface; unset values are radvd's defaults (RFC 4861 §6.2.1's). */
export interface AdvertisingInterface {
  ifname: string;
  minIntervalS?: number;
  maxIntervalS?: number;
  curHopLimit?: number;
  managed?: boolean;
  otherConfig?: boolean;
  defaultLifetime?: number;
  defaultPreference?: Preference;
  reachableTimeMs?: number;
  retransTimerMs?: number;
  linkMtu?: number;
  prefixes: AdvertisedPrefix[];
  routes?: AdvertisedRoute[];
  rdnss?: { address: string; lifetime: number };
  dnssl?: { domain: string; lifetime: number };
}

/** RFC 4861 §6.2.1 defaults for prefixes, which radvd does not share (it uses 86400 and 14400). */
export const RFC_VALID_LIFETIME = 2_592_000;
export const RFC_PREFERRED_LIFETIME = 604_800;
const U32 = 0xffff_ffff;

function int(what: string, v: number, min: number, max: number): string {
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`radvd: ${what} ${v} is not a whole number ${min}..${max}`);
  return String(v);
}
const flag = (v: boolean) => (v ? 'on' : 'off');
const lifetime = (what: string, v: number) => (v === U32 ? 'infinity' : int(what, v, 0, U32 - 1));

function address(what: string, a: string): string {
  // normalizeIpv6 throws on anything that is not an IPv6 address; the result holds hex digits and colons only.
  const n = normalizeIpv6(a);
  if (!/^[0-9a-f:]+$/.test(n)) throw new Error(`radvd: ${what} ${JSON.stringify(a)} is not an IPv6 address`);
  return n;
}

export function radvdInterfaceText(i: AdvertisingInterface): string {
  if (!/^[a-z0-9]{1,15}$/.test(i.ifname)) throw new Error(`radvd: odd interface name ${JSON.stringify(i.ifname)}`);
  const lines = [`interface ${i.ifname} {`, '  AdvSendAdvert on;', '  AdvRASolicitedUnicast off;'];
  const opt = (name: string, v: string | undefined) => v !== undefined && lines.push(`  ${name} ${v};`);
  opt('MinRtrAdvInterval', i.minIntervalS === undefined ? undefined : int('MinRtrAdvInterval', i.minIntervalS, 3, 1350));
  opt('MaxRtrAdvInterval', i.maxIntervalS === undefined ? undefined : int('MaxRtrAdvInterval', i.maxIntervalS, 4, 1800));
  opt('AdvCurHopLimit', i.curHopLimit === undefined ? undefined : int('AdvCurHopLimit', i.curHopLimit, 0, 255));
  opt('AdvManagedFlag', i.managed === undefined ? undefined : flag(i.managed));
  opt('AdvOtherConfigFlag', i.otherConfig === undefined ? undefined : flag(i.otherConfig));
  opt('AdvDefaultLifetime', i.defaultLifetime === undefined ? undefined : int('AdvDefaultLifetime', i.defaultLifetime, 0, 9000));
  opt('AdvDefaultPreference', i.defaultPreference);
  opt('AdvReachableTime', i.reachableTimeMs === undefined ? undefined : int('AdvReachableTime', i.reachableTimeMs, 0, 3_600_000));
  opt('AdvRetransTimer', i.retransTimerMs === undefined ? undefined : int('AdvRetransTimer', i.retransTimerMs, 0, U32));
  opt('AdvLinkMTU', i.linkMtu === undefined ? undefined : int('AdvLinkMTU', i.linkMtu, 1280, 65535));
  for (const p of i.prefixes) {
    lines.push(
      `  prefix ${address('prefix', p.prefix)}/${int('prefix length', p.length, 1, 128)} {`,
      `    AdvOnLink ${flag(p.onLink ?? true)};`,
      `    AdvAutonomous ${flag(p.autonomous ?? true)};`,
      `    AdvValidLifetime ${lifetime('AdvValidLifetime', p.validLifetime ?? RFC_VALID_LIFETIME)};`,
      `    AdvPreferredLifetime ${lifetime('AdvPreferredLifetime', p.preferredLifetime ?? RFC_PREFERRED_LIFETIME)};`,
      '  };',
    );
  }
  for (const r of i.routes ?? []) {
    lines.push(
      `  route ${address('route', r.prefix)}/${int('route length', r.length, 0, 128)} {`,
      `    AdvRoutePreference ${r.preference ?? 'medium'};`,
      `    AdvRouteLifetime ${lifetime('AdvRouteLifetime', r.lifetime)};`,
      '  };',
    );
  }
  if (i.rdnss) lines.push(`  RDNSS ${address('RDNSS', i.rdnss.address)} {`, `    AdvRDNSSLifetime ${lifetime('AdvRDNSSLifetime', i.rdnss.lifetime)};`, '  };');
  if (i.dnssl) {
    if (!/^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*$/.test(i.dnssl.domain)) throw new Error(`radvd: DNSSL ${JSON.stringify(i.dnssl.domain)} is not a domain name`);
    lines.push(`  DNSSL ${i.dnssl.domain} {`, `    AdvDNSSLLifetime ${lifetime('AdvDNSSLLifetime', i.dnssl.lifetime)};`, '  };');
  }
  lines.push('};', '');
  return lines.join('\n');
}
