// What a pool NUT looks like between two cases. Each case cleans up what it set up, but a case that ends
// early, or a kernel that learns more than the case knew it taught (an RA's prefix route, a Redirect's or a
// Packet Too Big's cached route), can leave state behind, and then the next case on that NUT is judged on
// what the one before it left: a verdict that depends on which NUT took the case is not stable. So the
// routes and global addresses of the NUT's test links are recorded when the pool takes the NUT, and before
// every case whatever is not in that record is removed, cached routes included, each removal written to the
// case's log so a leaking case can be found and fixed.
import type { BootedNut } from '@testlab/core';

// iproute2 by full path: busybox's own `ip` applet comes first on the NUT and has no JSON output.
const IP = '/usr/sbin/ip';

interface RouteEntry {
  dst: string;
  gateway?: string;
  metric?: number;
}

interface AddressEntry {
  local: string;
  prefixlen: number;
}

/** Per test interface: its routes and global addresses, as keys. */
export type BaseState = Map<string, { routes: Set<string>; addresses: Set<string> }>;

const routeKey = (r: RouteEntry): string => `${r.dst} via ${r.gateway ?? '-'} metric ${r.metric ?? '-'}`;
const addressKey = (a: AddressEntry): string => `${a.local}/${a.prefixlen}`;

async function json<T>(nut: BootedNut, argv: string[]): Promise<T[]> {
  const r = await nut.exec(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed on the NUT: ${r.stderr.trim() || `exit ${r.code}`}`);
  const text = r.stdout.trim();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) throw new Error(`${argv.join(' ')}: expected a JSON list, got ${text.slice(0, 200)}`);
  return parsed as T[];
}

async function routesOf(nut: BootedNut, ifname: string): Promise<RouteEntry[]> {
  const list = await json<Partial<RouteEntry>>(nut, [IP, '-j', '-6', 'route', 'show', 'dev', ifname]);
  return list.filter((r): r is RouteEntry => typeof r.dst === 'string');
}

async function addressesOf(nut: BootedNut, ifname: string): Promise<AddressEntry[]> {
  const links = await json<{ addr_info?: Array<Partial<AddressEntry> & { family?: string }> }>(nut, [IP, '-j', '-6', 'addr', 'show', 'dev', ifname, 'scope', 'global']);
  return links.flatMap((l) => l.addr_info ?? []).filter((a): a is AddressEntry => typeof a.local === 'string' && typeof a.prefixlen === 'number');
}

/** The routes and global addresses of the NUT's test links now: what every case on this NUT starts from. */
export async function recordBaseState(nut: BootedNut): Promise<BaseState> {
  const base: BaseState = new Map();
  for (const l of nut.links) {
    base.set(l.nutIfname, {
      routes: new Set((await routesOf(nut, l.nutIfname)).map(routeKey)),
      addresses: new Set((await addressesOf(nut, l.nutIfname)).map(addressKey)),
    });
  }
  return base;
}

/** Removes what earlier cases left on the NUT's test links (see the header); `log` names each removal. */
export async function restoreBaseState(nut: BootedNut, base: BaseState, log: (line: string) => void): Promise<void> {
  /** Runs a change; a failure whose message matches `already` means the change was already made. */
  const run = async (argv: string[], already?: RegExp) => {
    const r = await nut.exec(argv);
    if (r.code !== 0 && !already?.test(r.stderr)) throw new Error(`could not restore the NUT's base state: ${argv.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
  };
  // Cached routes (Redirects, Packet Too Big) are not in the listing above; they go all at once.
  await run([IP, '-6', 'route', 'flush', 'cache']);
  for (const l of nut.links) {
    const before = base.get(l.nutIfname);
    if (!before) continue;
    for (const a of await addressesOf(nut, l.nutIfname)) {
      if (before.addresses.has(addressKey(a))) continue;
      log(`before the case: removing ${addressKey(a)} from ${l.nutIfname}, left by an earlier case on this NUT`);
      await run([IP, '-6', 'addr', 'del', addressKey(a), 'dev', l.nutIfname]);
    }
    for (const r of await routesOf(nut, l.nutIfname)) {
      if (before.routes.has(routeKey(r))) continue;
      log(`before the case: removing the route ${routeKey(r)} on ${l.nutIfname}, left by an earlier case on this NUT`);
      const via = r.gateway ? ['via', r.gateway] : [];
      const metric = r.metric !== undefined ? ['metric', String(r.metric)] : [];
      // Removing an address takes its prefix route with it: a route already gone is what we wanted.
      await run([IP, '-6', 'route', 'del', r.dst, ...via, 'dev', l.nutIfname, ...metric], /No such process/);
    }
  }
}
