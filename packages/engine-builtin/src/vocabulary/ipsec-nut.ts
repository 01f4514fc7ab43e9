// The NUT's side of a case's IPsec: its SAD and SPD set with iproute2's `ip xfrm` (TAHI's ipsecSetSAD and
// ipsecSetSPD), cleared when the case ends, and the keys of every SA kept beside the case's captures in
// Wireshark's esp_sa table. Arguments only: addresses, SPIs and keys are ours, written as argv words.
import { hex } from '@testlab/packet';
import { WIRESHARK_ESP_PREFERENCES, hex32, wiresharkEspSaFile, type SecurityAssociation } from '@testlab/ipsec';
import type { CaseContext } from '../runner/context.js';

const IP = '/usr/sbin/ip';

/** An SA the NUT holds, tied to its policies by `reqid` (TAHI's `unique=`): two SAs between the same nodes stay apart. */
export interface NutState {
  sa: SecurityAssociation;
  reqid: number;
}

export interface NutPolicy {
  dir: 'in' | 'out';
  /** An address (a host) or a prefix with its length. */
  src: string;
  dst: string;
  /** Only ICMPv6 of this type and code (TAHI's `upperspec=icmp6 icmp6_type= icmp6_code=`). */
  icmp?: { type: number; code: number };
  /** `protect` with the SA in `via`; `bypass` passes in the clear; `discard` drops. */
  action: 'protect' | 'bypass' | 'discard';
  via?: NutState;
}

/** Linux's crypto API names of IPsec_Self_Test_P2's algorithms (`ip xfrm state` `enc` / `auth-trunc`). */
const ENCRYPTION: Readonly<Record<string, string>> = {
  '3des-cbc': 'cbc(des3_ede)',
  'aes-cbc': 'cbc(aes)',
  'aes-ctr': 'rfc3686(ctr(aes))',
  'camellia-cbc': 'cbc(camellia)',
  null: 'ecb(cipher_null)',
};
const INTEGRITY: Readonly<Record<string, [string, number] | undefined>> = {
  'hmac-sha1-96': ['hmac(sha1)', 96],
  'hmac-sha2-256-128': ['hmac(sha256)', 128],
  'hmac-md5-96': ['hmac(md5)', 96],
  'aes-xcbc-mac-96': ['xcbc(aes)', 96],
  null: undefined,
};

const keyWord = (key: Uint8Array): string => (key.length === 0 ? '' : `0x${hex(key)}`);
const prefix = (a: string): string => (a.includes('/') ? a : `${a}/128`);

/** `ip xfrm state add ...` for one SA; the replay window is on (RFC 4303 §3.4.3: a receiver SHOULD use it). */
export function stateArgv({ sa, reqid }: NutState): string[] {
  if (sa.protocol !== 'esp') throw new Error(`SA ${hex32(sa.spi)}: only ESP SAs are set on the NUT`);
  const argv = [IP, 'xfrm', 'state', 'add', 'src', sa.src, 'dst', sa.dst, 'proto', 'esp', 'spi', hex32(sa.spi), 'reqid', String(reqid), 'mode', sa.mode, 'replay-window', '32'];
  argv.push('enc', ENCRYPTION[sa.encryption.transform.name]!, keyWord(sa.encryption.key));
  const auth = INTEGRITY[sa.integrity.transform.name];
  if (auth) argv.push('auth-trunc', auth[0], keyWord(sa.integrity.key), String(auth[1]));
  return argv;
}

/** `ip xfrm policy add ...` in the direction given; specific policies come before catch-alls. */
export function policyArgv(p: NutPolicy, dir: 'in' | 'out' | 'fwd'): string[] {
  const argv = [IP, 'xfrm', 'policy', 'add', 'src', prefix(p.src), 'dst', prefix(p.dst)];
  // ICMPv6 by number: the NUT image has no /etc/protocols, so iproute2 cannot read "ipv6-icmp" there.
  if (p.icmp) argv.push('proto', '58', 'type', String(p.icmp.type), 'code', String(p.icmp.code));
  // Lower is consulted first: a host's policy (priority 1000) before an any-to-any bypass or discard.
  const catchAll = prefix(p.src) === '::/0' && prefix(p.dst) === '::/0';
  argv.push('dir', dir, 'priority', catchAll ? '2000' : p.icmp ? '900' : '1000');
  if (p.action === 'discard') return [...argv, 'action', 'block'];
  argv.push('action', 'allow');
  if (p.action === 'bypass') return argv;
  const via = p.via;
  if (!via) throw new Error(`a protect policy ${p.src} > ${p.dst} needs its SA`);
  return [...argv, 'tmpl', 'src', via.sa.src, 'dst', via.sa.dst, 'proto', 'esp', 'reqid', String(via.reqid), 'mode', via.sa.mode, 'level', 'required'];
}

const keptSas = new WeakMap<CaseContext, SecurityAssociation[]>();

/** Lists SAs in the case's esp_sa file (the NUT's, and ones only the tester uses, such as a wrong SPI). */
export function keepKeys(ctx: CaseContext, sas: readonly SecurityAssociation[]): void {
  let list = keptSas.get(ctx);
  if (!list) {
    const kept: SecurityAssociation[] = [];
    keptSas.set(ctx, kept);
    list = kept;
    ctx.keepFile('esp_sa', 'esp-sa', () => wiresharkEspSaFile(kept));
    ctx.keepFile('preferences', 'wireshark-preferences', () => `${WIRESHARK_ESP_PREFERENCES.join('\n')}\n`);
  }
  for (const sa of sas) if (!list.some((k) => k.spi === sa.spi && k.src === sa.src && k.dst === sa.dst)) list.push(sa);
}

/**
 * Sets the NUT's SAD and SPD for a case: both emptied first (a case never inherits another's), every SA,
 * then every policy. A security gateway applies its inbound policies to what it forwards too (`fwd`), as
 * RFC 4301 §5.2 checks a packet against the SPD whether it is delivered or forwarded.
 */
export async function setNutIpsec(ctx: CaseContext, states: readonly NutState[], policies: readonly NutPolicy[]): Promise<void> {
  // The kernel's counters of why it dropped IPsec packets only ever grow: the case's share is the difference.
  const before = await xfrmCounters(ctx);
  ctx.onCleanup('clear the NUT\'s SAD and SPD', async () => {
    const after = await xfrmCounters(ctx);
    const grown = [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name, n]) => `${name} +${n - (before.get(name) ?? 0)}`);
    ctx.log(`the NUT's XFRM counters (/proc/net/xfrm_stat) during the case: ${grown.join(', ') || 'none grew'}`);
    await clearNutIpsec(ctx);
  });
  await clearNutIpsec(ctx);
  keepKeys(ctx, states.map((s) => s.sa));
  for (const s of states) await ctx.nutCommand(stateArgv(s));
  await addNutPolicies(ctx, policies);
}

/** More policies mid-case (the bypass and discard tests add their catch-all after a first exchange). */
export async function addNutPolicies(ctx: CaseContext, policies: readonly NutPolicy[]): Promise<void> {
  for (const p of policies) {
    await ctx.nutCommand(policyArgv(p, p.dir));
    if (p.dir === 'in' && ctx.mode === 'security-gateway') await ctx.nutCommand(policyArgv(p, 'fwd'));
  }
}

/** /proc/net/xfrm_stat as name -> count (empty when the kernel has no XFRM_STATISTICS). */
async function xfrmCounters(ctx: CaseContext): Promise<Map<string, number>> {
  const text = await ctx.nutCommand(['cat', '/proc/net/xfrm_stat']).catch(() => '');
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(Xfrm[A-Za-z]+)\s+([0-9]+)$/.exec(line.trim());
    if (m) counts.set(m[1]!, Number(m[2]));
  }
  return counts;
}

export async function clearNutIpsec(ctx: CaseContext): Promise<void> {
  await ctx.nutCommand([IP, 'xfrm', 'policy', 'flush']);
  await ctx.nutCommand([IP, 'xfrm', 'state', 'flush']);
}

/** Forgets the path MTUs a Packet Too Big taught the NUT, so the next case starts from the link MTU. */
export function forgetPathMtuOnCleanup(ctx: CaseContext): void {
  ctx.onCleanup('forget the path MTUs learnt from Packet Too Big', async () => {
    await ctx.nutCommand([IP, '-6', 'route', 'flush', 'cache']);
  });
}
