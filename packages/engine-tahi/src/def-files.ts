// tn.def and nut.def, written from the lab's description of the tester and the NUT. Every value is checked
// against what the file format can hold (`key value` words on one line) before it is written.

export interface TnDef {
  /** With RemoteMethod none every remote call exits 2; the lab's System folder needs none of TAHI's serial. */
  remoteMethod: 'serial' | 'none';
  remoteDevice?: string;
  remoteDebug?: number;
  remoteLog?: number;
  remoteSpeed?: number;
  remoteLogout?: number;
  remoteCuPath?: string;
  /** The tester's interfaces and the made-up MACs TN uses on them: Link0, Link1, ... */
  links: readonly { ifname: string; mac: string }[];
}

export interface NutDef {
  /** Name of the remote-control folder under v6eval/bin/ (the lab's: `testlab`). */
  system: string;
  targetName: string;
  hostName: string;
  type: 'host' | 'router' | 'special';
  user: string;
  password: string;
  /** The NUT's interfaces on Link0, Link1, ... and their MACs. */
  links: readonly { ifname: string; mac: string }[];
}

export class DefFileError extends Error {
  override name = 'DefFileError';
}

const WORD = /^[A-Za-z0-9_.,:/+@=-]{1,128}$/;
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

function word(file: string, key: string, value: string): string {
  if (!WORD.test(value)) throw new DefFileError(`${file} ${key}: "${value.slice(0, 40)}" must be one word of letters, digits and _.,:/+@=-`);
  return value;
}

function linkLines(file: string, links: readonly { ifname: string; mac: string }[]): string[] {
  if (links.length === 0 || links.length > 8) throw new DefFileError(`${file}: 1..8 links, got ${links.length}`);
  return links.map((l, i) => {
    if (!IFNAME.test(l.ifname)) throw new DefFileError(`${file} Link${i}: "${l.ifname.slice(0, 20)}" is not an interface name`);
    const mac = l.mac.toLowerCase();
    if (!MAC.test(mac)) throw new DefFileError(`${file} Link${i}: "${l.mac.slice(0, 20)}" is not a MAC address`);
    return `Link${i}\t\t${l.ifname}\t${mac}`;
  });
}

export function tnDefText(def: TnDef): string {
  const f = 'tn.def';
  const lines = ['# Written by testlab for this run; TAHI reads it as the tester node (TN) definition.'];
  if (def.remoteDevice !== undefined) lines.push(`RemoteDevice\t${word(f, 'RemoteDevice', def.remoteDevice)}`);
  lines.push(`RemoteDebug\t${def.remoteDebug ?? 0}`, `RemoteIntDebug\t0`, `RemoteLog\t${def.remoteLog ?? 1}`);
  if (def.remoteSpeed !== undefined) lines.push(`RemoteSpeed\t${def.remoteSpeed}`);
  lines.push(`RemoteLogout\t${def.remoteLogout ?? 0}`, `RemoteMethod\t${def.remoteMethod}`);
  if (def.remoteCuPath !== undefined) lines.push(`RemoteCuPath\t${word(f, 'RemoteCuPath', def.remoteCuPath)}`);
  for (const n of [def.remoteDebug, def.remoteLog, def.remoteSpeed, def.remoteLogout]) {
    if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > 1_000_000)) throw new DefFileError(`${f}: ${n} is not a small whole number`);
  }
  lines.push('filter\t\tipv6', ...linkLines(f, def.links));
  return `${lines.join('\n')}\n`;
}

export function nutDefText(def: NutDef): string {
  const f = 'nut.def';
  return `${[
    '# Written by testlab for this run; TAHI reads it as the node under test (NUT) definition.',
    `System\t\t${word(f, 'System', def.system)}`,
    `TargetName\t${word(f, 'TargetName', def.targetName)}`,
    `HostName\t${word(f, 'HostName', def.hostName)}`,
    `Type\t\t${def.type}`,
    `User\t\t${word(f, 'User', def.user)}`,
    `Password\t${word(f, 'Password', def.password)}`,
    ...linkLines(f, def.links),
  ].join('\n')}\n`;
}
