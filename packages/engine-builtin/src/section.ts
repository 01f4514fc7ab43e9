// The builtin engine's section of a test set (`builtin:` in testsets/<name>.yaml): what the engine sets up
// on the NUT for the set's mode beyond sysctls (radvd on a router NUT), how many timer-bound cases the
// pool runs at once, and what the NUT is said to support of the optional IPsec features (TAHI's
// p2_ipsec_config: the ADVANCED tests that run).
import { z } from 'zod';
import { EngineSetupError, raIntervalProblem, type TestSet } from '@testlab/core';

/** Router Advertisements a router NUT sends (radvd), on the links named, with these intervals (RFC 4861 §6.2.1). */
export interface RadvdSettings {
  links: string[];
  minIntervalS: number;
  maxIntervalS: number;
}

export interface BuiltinSection {
  radvd?: RadvdSettings;
  /** Timer-bound cases the pool runs at once (case-queue.ts); the engine's default when absent. */
  timerCasesAtOnce?: number;
  /** IPsec_Self_Test_P2's optional features the NUT supports; an ADVANCED case needing another is NA. */
  ipsecSupports?: IpsecFeature[];
}

/** The `support=` names of IPsec_Self_Test_P2's INDEX files (p2_ipsec_config), as TAHI spells them. */
export const IPSEC_FEATURES = [
  'BYPASS_POLICY_SUPPORT',
  'DISCARD_POLICY_SUPPORT',
  'DUMMY_PACKET_SUPPORT',
  'TFC_PADDING_TUNNEL_SUPPORT',
  'TFC_PADDING_TRANS_SUPPORT',
  'TUNNEL_MODE_WITH_SGW_SUPPORT',
  'TUNNEL_MODE_WITH_SGW_FRAGMENTATION_SUPPORT',
  'ICMP_TYPE_CODE_SELECTOR_SUPPORT',
  '3DES_CBC_AES_XCBC_SUPPORT',
  '3DES_CBC_NULL_SUPPORT',
  '3DES_CBC_HMAC_SHA2_256_SUPPORT',
  'AES_CBC_HMAC_SHA1_SUPPORT',
  'AES_CTR_HMAC_SHA1_SUPPORT',
  'NULL_HMAC_SHA1_SUPPORT',
  'CAMELLIA_CBC_HMAC_SHA1_SUPPORT',
] as const;

export type IpsecFeature = (typeof IPSEC_FEATURES)[number];

const schema = z
  .strictObject({
    /** radvd on a router NUT: advertises Link<n>'s prefix on the links named. */
    radvd: z
      .strictObject({
        links: z.array(z.string().regex(/^Link[0-9]$/, 'Link0..Link9')).min(1),
        minIntervalS: z.number(),
        maxIntervalS: z.number(),
      })
      .superRefine((r, ctx) => {
        const problem = raIntervalProblem(r.minIntervalS, r.maxIntervalS);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    timerCasesAtOnce: z.number().int().min(1).max(32).optional(),
    /** What the NUT supports of IPsec_Self_Test_P2's ADVANCED tests (TAHI's p2_ipsec_config, `yes` lines). */
    ipsecSupports: z.array(z.enum(IPSEC_FEATURES)).optional(),
  })
  .optional();

export function parseBuiltinSection(raw: unknown, testset: Pick<TestSet, 'links' | 'mode' | 'cases'>): BuiltinSection {
  // The engine runs what the set lists, nothing else: an empty list is a mistake, not a quick night.
  if (testset.cases.length === 0) throw new EngineSetupError('cases: list at least one case');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new EngineSetupError(parsed.error.issues.map((i) => `builtin.${i.path.join('.') || '(section)'}: ${i.message}`).join('; '));
  const section = parsed.data ?? {};
  if (section.radvd) {
    const unknown = section.radvd.links.filter((l) => Number(l.slice(4)) >= testset.links);
    if (unknown.length > 0) throw new EngineSetupError(`builtin.radvd.links names ${unknown.join(', ')} but the set has ${testset.links} link(s)`);
    if (testset.mode !== 'router') throw new EngineSetupError(`builtin.radvd: radvd runs on router NUTs only, not in mode ${testset.mode}`);
  }
  const supports = section.ipsecSupports ?? [];
  const twice = supports.filter((f, i) => supports.indexOf(f) !== i);
  if (twice.length > 0) throw new EngineSetupError(`builtin.ipsecSupports lists ${twice.join(', ')} twice`);
  // TAHI refuses to run a single IPsec test for a NUT that has neither (IPSEC.pm, ipsecOverWriteConfig).
  if (testset.cases.some((c) => c.startsWith('IPsec.')) && !supports.includes('BYPASS_POLICY_SUPPORT') && !supports.includes('DISCARD_POLICY_SUPPORT')) {
    throw new EngineSetupError('builtin.ipsecSupports: an IPsec set must list BYPASS_POLICY_SUPPORT or DISCARD_POLICY_SUPPORT (TAHI requires either of them)');
  }
  return section;
}
