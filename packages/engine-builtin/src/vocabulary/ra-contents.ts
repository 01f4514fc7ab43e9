// What a router NUT's Router Advertisement must carry (RFC 4861 §4.2, §6.2.3): the header fields and
// options from its configuration, sent from its link-local address with hop limit 255. Returns the
// differences as phrases for a FAIL reason ("router lifetime 600 (configured 1800)").
import { normalizeIpv6 } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { preferenceName, prefixOptions, raOf, routerPreference } from './router-solicitations.js';

export interface ExpectedPrefix {
  prefix: string;
  length: number;
  onLink: boolean;
  autonomous: boolean;
  valid: number;
  preferred: number;
}

export interface ExpectedRa {
  curHopLimit: number;
  managed: boolean;
  other: boolean;
  routerLifetime: number;
  preference: number;
  reachableTime: number;
  retransTimer: number;
  /** An MTU option with this value must be there; undefined: if there is one, it says the link MTU (1500). */
  mtu?: number;
  /** Exactly these prefix options. */
  prefixes: ExpectedPrefix[];
}

/** RFC 4861 §6.2.1 defaults, as TAHI's router configuration has them, for MaxRtrAdvInterval `max`. */
export function defaultRa(max: number, prefixes: ExpectedPrefix[]): ExpectedRa {
  return { curHopLimit: 64, managed: false, other: false, routerLifetime: 3 * max, preference: 0, reachableTime: 0, retransTimer: 0, prefixes };
}

export const rfcPrefix = (prefix: string, length = 64): ExpectedPrefix => ({ prefix, length, onLink: true, autonomous: true, valid: 2_592_000, preferred: 604_800 });

export function raContentProblems(ctx: CaseContext, r: ReceivedFrame, e: ExpectedRa, link = 'Link0'): string[] {
  const m = raOf(r);
  const f = r.frame;
  const nut = ctx.nutOn(link);
  const p: string[] = [];
  if (normalizeIpv6(f.ipv6!.src) !== nut.linkLocal) p.push(`source ${f.ipv6!.src} (not its link-local ${nut.linkLocal})`);
  if (f.ipv6!.hopLimit !== 255) p.push(`hop limit ${f.ipv6!.hopLimit}`);
  if (m.code !== 0) p.push(`code ${m.code}`);
  if (!m.checksumOk) p.push('a wrong checksum');
  const field = (name: string, got: number | boolean, want: number | boolean) => got !== want && p.push(`${name} ${String(got)} (configured ${String(want)})`);
  field('Cur Hop Limit', m.curHopLimit, e.curHopLimit);
  field('M flag', m.managed, e.managed);
  field('O flag', m.other, e.other);
  field('router lifetime', m.routerLifetime, e.routerLifetime);
  if (routerPreference(m) !== e.preference) p.push(`router preference ${preferenceName(routerPreference(m))} (configured ${preferenceName(e.preference)})`);
  field('Reachable Time', m.reachableTime, e.reachableTime);
  field('Retrans Timer', m.retransTimer, e.retransTimer);
  for (const o of m.options) if (o.type === 'source-lla' && o.mac !== nut.mac) p.push(`an SLLA of ${o.mac} (its MAC is ${nut.mac})`);
  const mtu = m.options.find((o) => o.type === 'mtu');
  if (e.mtu !== undefined && mtu?.type !== 'mtu') p.push(`no MTU option (configured ${e.mtu})`);
  if (mtu?.type === 'mtu' && mtu.mtu !== (e.mtu ?? 1500)) p.push(`MTU ${mtu.mtu} (configured ${e.mtu ?? 'none, link MTU 1500'})`);
  const got = prefixOptions(m);
  for (const want of e.prefixes) {
    const o = got.find((x) => normalizeIpv6(x.prefix) === normalizeIpv6(want.prefix) && x.prefixLength === want.length);
    if (!o) {
      p.push(`no prefix option for ${want.prefix}/${want.length}`);
      continue;
    }
    const what = `prefix ${want.prefix}/${want.length}`;
    if (o.onLink !== want.onLink) p.push(`${what} with L ${o.onLink ? 'set' : 'clear'}`);
    if (o.autonomous !== want.autonomous) p.push(`${what} with A ${o.autonomous ? 'set' : 'clear'}`);
    if (o.validLifetime !== want.valid) p.push(`${what} valid lifetime ${o.validLifetime} (configured ${want.valid})`);
    if (o.preferredLifetime !== want.preferred) p.push(`${what} preferred lifetime ${o.preferredLifetime} (configured ${want.preferred})`);
  }
  for (const o of got) if (!e.prefixes.some((w) => normalizeIpv6(w.prefix) === normalizeIpv6(o.prefix) && w.length === o.prefixLength)) p.push(`a prefix option for ${o.prefix}/${o.prefixLength} nobody configured`);
  return p;
}
