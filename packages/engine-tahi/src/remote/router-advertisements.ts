// racontrol: TAHI asks a router NUT to start or stop sending Router Advertisements with given values.
// The lab writes a radvd configuration for the named links and (re)starts radvd with it, under its own
// pid file, so a racontrol never touches a radvd the lab itself started for the test set.
import { RemoteCallError, RMT_EXIT } from './remote-call-error.js';

export const RADVD_CONF = '/run/testlab-tahi-radvd.conf';
export const RADVD_PID = '/run/testlab-tahi-radvd.pid';

// Constant scripts; paths and content arrive as "$1" "$2", never inside the script text.
const STOP = ['sh', '-c', 'if [ -f "$1" ]; then kill "$(cat "$1")" 2>/dev/null; rm -f "$1"; fi; exit 0', 'racontrol-stop', RADVD_PID];

interface Option {
  radvd: string;
  min: number;
  max: number;
  /** Flags: 0/1 become off/on. */
  flag?: boolean;
}

// racontrol's keys (Self_Test) and the radvd option each sets, with radvd's own bounds.
const INTERFACE_OPTIONS: Record<string, Option> = {
  maxinterval: { radvd: 'MaxRtrAdvInterval', min: 4, max: 1800 },
  mininterval: { radvd: 'MinRtrAdvInterval', min: 3, max: 1350 },
  chlim: { radvd: 'AdvCurHopLimit', min: 0, max: 255 },
  rltime: { radvd: 'AdvDefaultLifetime', min: 0, max: 9000 },
  rtime: { radvd: 'AdvReachableTime', min: 0, max: 3_600_000 },
  retrans: { radvd: 'AdvRetransTimer', min: 0, max: 4_294_967_295 },
  mtu: { radvd: 'AdvLinkMTU', min: 0, max: 65535 },
  raflagsM: { radvd: 'AdvManagedFlag', min: 0, max: 1, flag: true },
  raflagsO: { radvd: 'AdvOtherConfigFlag', min: 0, max: 1, flag: true },
};
const PREFIX_OPTIONS: Record<string, Option> = {
  vltime: { radvd: 'AdvValidLifetime', min: 0, max: 4_294_967_295 },
  pltime: { radvd: 'AdvPreferredLifetime', min: 0, max: 4_294_967_295 },
};

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const PREFIX = /^[0-9A-Fa-f:]{2,39}$/;

/** Stops the radvd a racontrol started (nothing when none runs). */
export function racontrolStop(): string[] {
  return [...STOP];
}

/** The NUT commands of one racontrol call. */
export function racontrolCommands(args: Map<string, string>, interfaces: readonly string[]): string[][] {
  const mode = args.get('mode');
  if (mode === 'stop') return [STOP];
  if (mode !== 'start') throw new RemoteCallError(`racontrol mode=${(mode ?? '').slice(0, 20)} is neither start nor stop`);
  const known = new Set(['mode', ...Object.keys(INTERFACE_OPTIONS), ...Object.keys(PREFIX_OPTIONS)]);
  for (const key of args.keys()) {
    if (known.has(key) || /^(link|prefix|prefixlen)[0-9]$/.test(key)) continue;
    // An option the lab would silently drop would make TAHI judge RAs the NUT never sent as asked.
    throw new RemoteCallError(`racontrol ${key}= is not supported by the lab`, RMT_EXIT.notSupported);
  }
  const number = (key: string, o: Option) => {
    const v = args.get(key)!;
    if (!/^[0-9]{1,10}$/.test(v) || Number(v) < o.min || Number(v) > o.max) throw new RemoteCallError(`racontrol ${key}=${v.slice(0, 20)} is not ${o.min}..${o.max}`);
    return o.flag ? (v === '1' ? 'on' : 'off') : v;
  };
  const ifaceLines = Object.entries(INTERFACE_OPTIONS).filter(([k]) => args.has(k)).map(([k, o]) => `  ${o.radvd} ${number(k, o)};`);
  const prefixLines = Object.entries(PREFIX_OPTIONS).filter(([k]) => args.has(k)).map(([k, o]) => `    ${o.radvd} ${number(k, o)};`);
  const blocks: string[] = [];
  for (let n = 0; n <= 9; n++) {
    const dev = args.get(`link${n}`);
    if (dev === undefined) continue;
    if (!IFNAME.test(dev) || !interfaces.includes(dev)) throw new RemoteCallError(`racontrol link${n}=${dev.slice(0, 20)} is not a test interface of the NUT (${interfaces.join(', ')})`);
    const prefix = args.get(`prefix${n}`);
    const len = args.get(`prefixlen${n}`) ?? '64';
    if (prefix !== undefined && !PREFIX.test(prefix)) throw new RemoteCallError(`racontrol prefix${n}=${prefix.slice(0, 40)} is not an IPv6 prefix`);
    if (!/^[0-9]{1,3}$/.test(len) || Number(len) > 128) throw new RemoteCallError(`racontrol prefixlen${n}=${len.slice(0, 10)} is not 0..128`);
    const prefixBlock = prefix === undefined ? [] : [`  prefix ${prefix}/${len} {`, '    AdvOnLink on;', '    AdvAutonomous on;', ...prefixLines, '  };'];
    blocks.push([`interface ${dev} {`, '  AdvSendAdvert on;', ...ifaceLines, ...prefixBlock, '};'].join('\n'));
  }
  if (blocks.length === 0) throw new RemoteCallError('racontrol mode=start names no link (link0=<interface>)');
  const min = args.get('mininterval');
  const max = args.get('maxinterval');
  if (min !== undefined && max !== undefined && Number(min) > 0.75 * Number(max)) throw new RemoteCallError(`racontrol mininterval=${min} is more than 0.75 maxinterval=${max} (radvd refuses it)`);
  const conf = `# written by testlab for a TAHI racontrol call\n${blocks.join('\n')}\n`;
  return [
    STOP,
    ['sh', '-c', 'printf "%s" "$2" > "$1"', 'racontrol-conf', RADVD_CONF, conf],
    ['radvd', '-C', RADVD_CONF, '-p', RADVD_PID],
  ];
}
