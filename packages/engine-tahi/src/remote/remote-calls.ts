// TAHI's remote calls (`<name>.rmt -t System -u User -p Password -d Device key=value ...`), validated and
// turned into the commands the lab runs on the NUT it controls. Exit codes as TAHI reads them: 0 done,
// 2 not supported (the test becomes "Not yet supported"), 32 failed.
import type { BootedNut } from '@testlab/core';
import { racontrolCommands, racontrolStop } from './router-advertisements.js';
import { RemoteCallError, RMT_EXIT } from './remote-call-error.js';

export { RemoteCallError, RMT_EXIT };

/** Every call the lab's System folder answers; the others are absent, so TAHI sees them unsupported. */
export const REMOTE_CALLS = [
  'reboot', 'reboot_async', 'manualaddrconf', 'route', 'racontrol', 'sysctl', 'mtuconfig', 'ping6',
  'clearroute', 'clearprefix', 'clearnc', 'cleardefr', 'clearmtu',
  'ipsecEnable', 'ipsecClearAll', 'ipsecSetSAD', 'ipsecSetSPD',
] as const;
export type RemoteCallName = (typeof REMOTE_CALLS)[number];

export interface RemoteCallContext {
  nut: Pick<BootedNut, 'exec'>;
  /** The NUT's test interfaces (nut.def Link0.. names): `if=` must name one of them. */
  interfaces: readonly string[];
}

/** Parses the words after the script name: options (-t -u -p -d -v -o) are TAHI's, `key=value` the call's. */
export function parseRemoteArgs(words: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (/^-[tupdo]$/.test(w)) {
      i++; // the option's value (System, User, Password, Device, ...) is TAHI's business, not the NUT's
      continue;
    }
    if (/^-[a-zA-Z]$/.test(w)) continue;
    const eq = w.indexOf('=');
    if (eq < 1) throw new RemoteCallError(`argument "${w.slice(0, 40)}" is not key=value`);
    args.set(w.slice(0, eq), w.slice(eq + 1));
  }
  return args;
}

// iproute2's ip by path: on the lab's NUT image busybox's `ip` comes first on PATH and has no `xfrm`
// (and no `flush proto`). Debian's root file system has it at the same path.
const IP = '/usr/sbin/ip';

const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
const HEX_KEY = /^(0x)?[0-9A-Fa-f]{2,256}$/;

function get(args: Map<string, string>, key: string, pattern: RegExp, what: string): string {
  const v = args.get(key);
  if (v === undefined) throw new RemoteCallError(`${key}= is missing`);
  if (!pattern.test(v)) throw new RemoteCallError(`${key}="${v.slice(0, 40)}" is not ${what}`);
  return v;
}

function iface(ctx: RemoteCallContext, args: Map<string, string>, key = 'if'): string {
  const v = get(args, key, /^[A-Za-z0-9_.-]{1,15}$/, 'an interface name');
  if (!ctx.interfaces.includes(v)) throw new RemoteCallError(`${key}=${v} is not a test interface of the NUT (${ctx.interfaces.join(', ')})`);
  return v;
}

const num = (args: Map<string, string>, key: string, max: number) => {
  const v = get(args, key, /^[0-9]{1,10}$/, 'a number');
  if (Number(v) > max) throw new RemoteCallError(`${key}=${v} is larger than ${max}`);
  return v;
};

// TAHI's algorithm names to the kernel's (ip xfrm). Maps, not objects: a name from the tester such as
// `constructor` must be an unknown algorithm, not a property every object has.
const EALGO = new Map<string, [string, number]>(Object.entries({
  '3des-cbc': ['cbc(des3_ede)', 24], 'des-cbc': ['cbc(des)', 8], 'aes-cbc': ['cbc(aes)', 16], 'null': ['ecb(cipher_null)', 0],
  'aes-ctr': ['rfc3686(ctr(aes))', 20], 'blowfish-cbc': ['cbc(blowfish)', 16], 'cast128-cbc': ['cbc(cast5)', 16],
}));
// With the ICV length when it is not the kernel's default of 96 bits (HMAC-SHA-256: 128, RFC 4868).
const AALGO = new Map<string, [string, number?]>(Object.entries({
  'hmac-sha1': ['hmac(sha1)'], 'hmac-md5': ['hmac(md5)'], 'hmac-sha256': ['hmac(sha256)', 128], 'aes-xcbc-mac': ['xcbc(aes)'], 'null': ['digest_null'],
}));
const hex = (k: string) => (k.startsWith('0x') ? k : `0x${k}`);

/** The NUT commands for one call; throws RemoteCallError (exit 2 or 32) for what cannot or must not run. */
export function commandsFor(name: string, args: Map<string, string>, ctx: RemoteCallContext): string[][] {
  const all = ctx.interfaces;
  switch (name as RemoteCallName) {
    case 'reboot':
    case 'reboot_async':
      // The kernel under test keeps running (restarting the VM is the pipeline's job): a "reboot" resets
      // what a boot resets: RAs started by racontrol, addresses, routes, neighbours, MTUs, then takes the links down and up, which
      // makes the NUT send DAD and Router Solicitations as after a boot.
      return [
        racontrolStop(),
        [IP, '-6', 'neigh', 'flush', 'all'],
        [IP, '-6', 'route', 'flush', 'proto', 'static'],
        [IP, '-6', 'route', 'flush', 'proto', 'ra'],
        ...all.flatMap((i) => [[IP, '-6', 'addr', 'flush', 'dev', i, 'scope', 'global'], [IP, 'link', 'set', 'dev', i, 'mtu', '1500'], [IP, 'link', 'set', 'dev', i, 'down'], [IP, 'link', 'set', 'dev', i, 'up']]),
      ];
    case 'manualaddrconf': {
      const dev = iface(ctx, args);
      const type = args.get('type') ?? 'unicast';
      const addr = get(args, 'addr', IPV6, 'an IPv6 address');
      const len = num(args, 'len', 128);
      if (type === 'unicast') return [[IP, '-6', 'addr', 'add', `${addr}/${len}`, 'dev', dev]];
      if (type === 'delete') return [[IP, '-6', 'addr', 'del', `${addr}/${len}`, 'dev', dev]];
      throw new RemoteCallError(`manualaddrconf type=${type.slice(0, 20)} is not supported (iproute2 cannot add anycast addresses)`, RMT_EXIT.notSupported);
    }
    case 'route': {
      const cmd = get(args, 'cmd', /^(add|delete)$/, 'add or delete');
      const prefix = get(args, 'prefix', IPV6, 'an IPv6 prefix');
      const len = num(args, 'prefixlen', 128);
      const via = args.has('gateway') ? ['via', get(args, 'gateway', IPV6, 'an IPv6 address')] : [];
      const dev = args.has('if') ? ['dev', iface(ctx, args)] : [];
      return [[IP, '-6', 'route', cmd === 'add' ? 'add' : 'del', `${prefix}/${len}`, ...via, ...dev]];
    }
    case 'sysctl': {
      const key = get(args, 'name', /^net\.(ipv6|core)\.[a-z0-9_.-]{1,100}$/, 'a net.ipv6 or net.core sysctl');
      const value = get(args, 'value', /^-?[0-9]{1,10}$/, 'a number');
      return [['sysctl', '-w', `${key}=${value}`]];
    }
    case 'mtuconfig':
      return [[IP, 'link', 'set', 'dev', iface(ctx, args), 'mtu', num(args, 'mtu', 65535)]];
    case 'ping6': {
      const size = args.has('size') ? ['-s', num(args, 'size', 65000)] : [];
      const dev = args.has('if') ? ['-I', iface(ctx, args)] : [];
      return [['ping6', '-c', '1', '-w', '3', ...size, ...dev, get(args, 'addr', IPV6, 'an IPv6 address')]];
    }
    case 'clearroute':
      return [[IP, '-6', 'route', 'flush', 'proto', 'static']];
    case 'clearprefix':
      return [...all.map((i) => [IP, '-6', 'addr', 'flush', 'dev', i, 'scope', 'global']), [IP, '-6', 'route', 'flush', 'proto', 'ra']];
    case 'clearnc':
      return [[IP, '-6', 'neigh', 'flush', 'all']];
    case 'cleardefr':
      return [[IP, '-6', 'route', 'flush', 'default']];
    case 'clearmtu':
      return [[IP, '-6', 'route', 'flush', 'cache']];
    case 'ipsecEnable':
      return []; // XFRM is in the kernel under test; nothing to switch on
    case 'ipsecClearAll':
      return [[IP, 'xfrm', 'state', 'flush'], [IP, 'xfrm', 'policy', 'flush']];
    case 'ipsecSetSAD': {
      const src = get(args, 'src', IPV6, 'an IPv6 address');
      const dst = get(args, 'dst', IPV6, 'an IPv6 address');
      const spi = num(args, 'spi', 0xffffffff);
      const mode = get(args, 'mode', /^(transport|tunnel)$/, 'transport or tunnel');
      const protocol = get(args, 'protocol', /^(esp|ah)$/, 'esp or ah');
      const cmd = [IP, 'xfrm', 'state', 'add', 'src', src, 'dst', dst, 'proto', protocol, 'spi', spi, 'mode', mode];
      if (protocol === 'esp') {
        const e = EALGO.get(get(args, 'ealgo', /^[a-z0-9-]{1,20}$/, 'an algorithm name'));
        if (!e) throw new RemoteCallError(`ealgo=${args.get('ealgo')} is not supported by the lab`, RMT_EXIT.notSupported);
        cmd.push('enc', e[0], e[1] === 0 ? '' : hex(get(args, 'ealgokey', HEX_KEY, 'a hex key')));
      }
      if (args.has('eauth') || protocol === 'ah') {
        const a = AALGO.get(get(args, 'eauth', /^[a-z0-9-]{1,20}$/, 'an algorithm name'));
        if (!a) throw new RemoteCallError(`eauth=${args.get('eauth')} is not supported by the lab`, RMT_EXIT.notSupported);
        const key = hex(get(args, 'eauthkey', HEX_KEY, 'a hex key'));
        if (a[1] === undefined) cmd.push('auth', a[0], key);
        else cmd.push('auth-trunc', a[0], key, String(a[1]));
      }
      return [cmd];
    }
    case 'ipsecSetSPD': {
      const src = get(args, 'src', IPV6, 'an IPv6 address');
      const dst = get(args, 'dst', IPV6, 'an IPv6 address');
      const dir = get(args, 'direction', /^(in|out)$/, 'in or out');
      const protocol = get(args, 'protocol', /^(esp|ah)$/, 'esp or ah');
      const mode = get(args, 'mode', /^(transport|tunnel)$/, 'transport or tunnel');
      const upper = args.get('upperspec') ?? 'any';
      const proto = upper === 'any' ? [] : ['proto', get(args, 'upperspec', /^(icmp6|ipv6-icmp|tcp|udp)$/, 'an upper-layer protocol') === 'icmp6' ? 'ipv6-icmp' : upper];
      const tmplAddrs = mode === 'tunnel' ? ['src', get(args, 'tsrc', IPV6, 'an IPv6 address'), 'dst', get(args, 'tdst', IPV6, 'an IPv6 address')] : [];
      const level = args.get('level') === 'use' ? 'use' : 'required';
      return [[IP, 'xfrm', 'policy', 'add', 'src', src, 'dst', dst, ...proto, 'dir', dir, 'tmpl', ...tmplAddrs, 'proto', protocol, 'mode', mode, 'level', level]];
    }
    case 'racontrol':
      return racontrolCommands(args, all);
    default:
      throw new RemoteCallError(`${name.slice(0, 40)} is not a remote call the lab performs`, RMT_EXIT.notSupported);
  }
}

/** Performs one call on the NUT; returns the exit code for the .rmt script and a log of what ran. */
export async function performRemoteCall(name: string, words: readonly string[], ctx: RemoteCallContext): Promise<{ code: number; log: string[] }> {
  const log: string[] = [];
  try {
    const commands = commandsFor(name, parseRemoteArgs(words), ctx);
    for (const argv of commands) {
      const r = await ctx.nut.exec(argv, { timeoutMs: 60_000 });
      log.push(`$ ${argv.join(' ')} -> ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().slice(0, 500)}` : ''}`);
      // Flushing what is already empty is not a failure; anything else is.
      if (r.code !== 0 && !(argv.includes('flush') || argv[0] === 'ping6')) return { code: RMT_EXIT.failed, log };
      if (r.code !== 0 && argv[0] === 'ping6') return { code: RMT_EXIT.failed, log };
    }
    return { code: RMT_EXIT.done, log };
  } catch (error) {
    if (error instanceof RemoteCallError) {
      log.push(error.message);
      return { code: error.exitCode, log };
    }
    log.push(`the lab could not reach the NUT: ${(error as Error).message}`);
    return { code: RMT_EXIT.failed, log };
  }
}
