// The fake IPsec NUT's SAD and SPD, filled by the same `ip xfrm` argv a case sends a real NUT: parsed
// word by word as iproute2 would take them (an argv it does not understand is an error, as on Linux), and
// looked up as Linux's XFRM does (policies by priority then order; SAs by destination, SPI and protocol).
import { createSa, ReplayWindow, type EncryptionAlgorithm, type IntegrityAlgorithm, type IpsecMode, type SecurityAssociation } from '@testlab/ipsec';
import { fromHex, normalizeIpv6 } from '@testlab/packet';

export interface FakeState {
  sa: SecurityAssociation;
  reqid: number;
  /** Inbound anti-replay (`replay-window N`); undefined when 0 or absent. */
  window?: ReplayWindow;
}

export interface Template {
  src: string;
  dst: string;
  mode: IpsecMode;
  reqid: number;
}

export interface FakePolicy {
  dir: 'in' | 'out' | 'fwd';
  src: Prefix;
  dst: Prefix;
  icmp?: { type: number; code: number };
  priority: number;
  action: 'allow' | 'block';
  tmpl?: Template;
}

interface Prefix {
  address: bigint;
  length: number;
}

const ENCRYPTION: Readonly<Record<string, EncryptionAlgorithm>> = {
  'cbc(des3_ede)': '3des-cbc',
  'cbc(aes)': 'aes-cbc',
  'rfc3686(ctr(aes))': 'aes-ctr',
  'cbc(camellia)': 'camellia-cbc',
  'ecb(cipher_null)': 'null',
};
const INTEGRITY: Readonly<Record<string, [IntegrityAlgorithm, number]>> = {
  'hmac(sha1)': ['hmac-sha1-96', 96],
  'hmac(sha256)': ['hmac-sha2-256-128', 128],
  'hmac(md5)': ['hmac-md5-96', 96],
  'xcbc(aes)': ['aes-xcbc-mac-96', 96],
};

function expandForBits(a: string): string {
  // normalizeIpv6 compresses; expand "::" to eight groups for the bit value.
  const [head, tail] = normalizeIpv6(a).split('::') as [string, string?];
  const h = head === '' ? [] : head.split(':');
  if (tail === undefined) return h.join(':');
  const t = tail === '' ? [] : tail.split(':');
  return [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].join(':');
}

const bits = (a: string): bigint => BigInt(`0x${expandForBits(a).split(':').map((g) => g.padStart(4, '0')).join('')}`);

function prefix(word: string): Prefix {
  const [a, l] = word.split('/') as [string, string?];
  const length = l === undefined ? 128 : Number(l);
  if (!Number.isInteger(length) || length < 0 || length > 128) throw new Error(`bad prefix length in ${word}`);
  return { address: bits(a), length };
}

export function inPrefix(address: string, p: Prefix): boolean {
  if (p.length === 0) return true;
  const shift = BigInt(128 - p.length);
  return bits(address) >> shift === p.address >> shift;
}

const keyBytes = (word: string): Uint8Array => (word === '' ? new Uint8Array(0) : word.startsWith('0x') ? fromHex(word.slice(2)) : new Uint8Array(Buffer.from(word)));

/** `key value key value ...` after the verb, each key once; throws on anything iproute2 would refuse. */
function words(argv: readonly string[], takes: Readonly<Record<string, number>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < argv.length; ) {
    const key = argv[i]!;
    const n = takes[key];
    if (n === undefined) throw new Error(`Error: argument "${key}" is wrong`);
    if (i + n > argv.length - 1) throw new Error(`Error: argument "${key}" needs ${n} value(s)`);
    if (out.has(key)) throw new Error(`Error: argument "${key}" is given twice`);
    out.set(key, argv.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

export function parseState(argv: readonly string[]): FakeState {
  const w = words(argv, { src: 1, dst: 1, proto: 1, spi: 1, reqid: 1, mode: 1, 'replay-window': 1, enc: 2, 'auth-trunc': 3 });
  const one = (k: string) => w.get(k)?.[0];
  if (one('proto') !== 'esp') throw new Error(`Error: the fake NUT holds ESP SAs only, not ${one('proto')}`);
  const [encName, encKey] = w.get('enc') ?? [];
  const encryption = encName === undefined ? undefined : ENCRYPTION[encName];
  if (encName !== undefined && !encryption) throw new Error(`Error: unknown cipher ${encName}`);
  const auth = w.get('auth-trunc');
  const integrity = auth ? INTEGRITY[auth[0]!] : undefined;
  if (auth && (!integrity || Number(auth[2]) !== integrity[1])) throw new Error(`Error: unknown or mistruncated auth ${auth.join(' ')}`);
  const window = Number(one('replay-window') ?? 0);
  const sa = createSa({
    spi: Number(one('spi')),
    mode: one('mode') as IpsecMode,
    src: one('src')!,
    dst: one('dst')!,
    ...(encryption ? { encryption: { algorithm: encryption, key: keyBytes(encKey ?? '') } } : {}),
    ...(integrity ? { integrity: { algorithm: integrity[0], key: keyBytes(auth![1]!) } } : {}),
    replayWindow: window,
  });
  return { sa, reqid: Number(one('reqid') ?? 0), ...(window > 0 ? { window: new ReplayWindow(window) } : {}) };
}

export function parsePolicy(argv: readonly string[]): FakePolicy {
  const tmplAt = argv.indexOf('tmpl');
  const head = tmplAt < 0 ? argv : argv.slice(0, tmplAt);
  const w = words(head, { src: 1, dst: 1, proto: 1, type: 1, code: 1, dir: 1, priority: 1, action: 1 });
  const one = (k: string) => w.get(k)?.[0];
  const dir = one('dir');
  if (dir !== 'in' && dir !== 'out' && dir !== 'fwd') throw new Error(`Error: dir "${dir}" is wrong`);
  const action = one('action') ?? 'allow';
  if (action !== 'allow' && action !== 'block') throw new Error(`Error: action "${action}" is wrong`);
  if (one('proto') !== undefined && one('proto') !== '58') throw new Error(`Error: the fake NUT selects ICMPv6 only, not ${one('proto')}`);
  const policy: FakePolicy = { dir, src: prefix(one('src')!), dst: prefix(one('dst')!), priority: Number(one('priority') ?? 0), action };
  if (one('proto')) policy.icmp = { type: Number(one('type')), code: Number(one('code')) };
  if (tmplAt >= 0) {
    const t = words(argv.slice(tmplAt + 1), { src: 1, dst: 1, proto: 1, reqid: 1, mode: 1, level: 1 });
    const get = (k: string) => t.get(k)?.[0];
    if (get('level') !== 'required') throw new Error('Error: the fake NUT takes level required only');
    policy.tmpl = { src: normalizeIpv6(get('src')!), dst: normalizeIpv6(get('dst')!), mode: get('mode') as IpsecMode, reqid: Number(get('reqid') ?? 0) };
  }
  return policy;
}

/** What a packet looks like to the SPD: addresses, and ICMPv6 type and code if it is ICMPv6. */
export interface Selector {
  src: string;
  dst: string;
  icmp?: { type: number; code: number };
}

export function policyMatches(p: FakePolicy, s: Selector, ignoreUpper = false): boolean {
  if (!inPrefix(s.src, p.src) || !inPrefix(s.dst, p.dst)) return false;
  if (!p.icmp || ignoreUpper) return true;
  return s.icmp !== undefined && s.icmp.type === p.icmp.type && s.icmp.code === p.icmp.code;
}

/** Linux's order: the lowest priority value first, then the one added first. */
export function lookupPolicy(spd: readonly FakePolicy[], dir: FakePolicy['dir'], s: Selector, skip: (p: FakePolicy) => boolean = () => false, ignoreUpper = false): FakePolicy | undefined {
  return spd
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.dir === dir && !skip(p) && policyMatches(p, s, ignoreUpper))
    .sort((a, b) => a.p.priority - b.p.priority || a.i - b.i)[0]?.p;
}

/** An SA that fits a policy's template: its endpoints (tunnel, and the outbound transport SA), mode and reqid. */
export const fitsTemplate = (state: FakeState, t: Template): boolean =>
  state.sa.mode === t.mode && (t.reqid === 0 || state.reqid === t.reqid) && normalizeIpv6(state.sa.src) === t.src && normalizeIpv6(state.sa.dst) === t.dst;
