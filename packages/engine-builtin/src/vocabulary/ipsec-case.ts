// One IPsec_Self_Test_P2 test as our cases: the ICMPv6 one (INDEX_P2_HOST / INDEX_P2_SGW) and its UDP
// repetition (the _UDP files), whose ids end in `-udp`. Where TAHI's script refuses one of the two
// (`This test must run by using ICMP` / `... UDP`, an exit "Not Supported"), so does ours: NA, with why.
import type { NutMode } from '@testlab/core';
import { fail, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { IpsecFeature } from '../section.js';
import type { App } from './ipsec-traffic.js';

export interface IpsecTest {
  /** `5.1.1`, or with its part: `5.1.5-a`. */
  n: string;
  /** The INDEX title (INDEX_P2_HOST / INDEX_P2_SGW), and the UDP file's where it differs. */
  title: string;
  udpTitle?: string;
  rfc: string;
  mode: Extract<NutMode, 'ipsec-end-node' | 'security-gateway'>;
  /** TAHI's `support=` names this test needs (`test_type=ADVANCED`). */
  requires?: IpsecFeature[];
  /** The INDEX lists the test over ICMP only (5.3.6) or UDP is refused by the script (5.1.2, 6.1.2); or the reverse (5.1.9). */
  only?: App;
  /** Whether the UDP file lists it at all (5.3.6 is not). */
  udp?: boolean;
  timeoutMs?: number;
  run(ctx: CaseContext, app: App): Promise<CaseVerdict>;
}

/** The script that refuses the other application, by TAHI's words. */
const refusal = (only: App): string => `This test must run by using ${only === 'icmp' ? 'ICMP' : 'UDP'} (TAHI exits "Not Supported" here)`;

export function ipsecCases(t: IpsecTest): CaseDefinition[] {
  const make = (app: App): CaseDefinition => ({
    id: `IPsec.${t.n}${app === 'udp' ? '-udp' : ''}`,
    title: app === 'udp' ? `${t.udpTitle ?? t.title} (UDP)` : t.title,
    rfc: t.rfc,
    appliesTo: [t.mode],
    ...(t.requires ? { requires: t.requires } : {}),
    ...(t.timeoutMs ? { timeoutMs: t.timeoutMs } : {}),
    async run(ctx) {
      if (t.only && t.only !== app) return { verdict: 'NA', reason: refusal(t.only) };
      return t.run(ctx, app);
    },
  });
  return t.udp === false ? [make('icmp')] : [make('icmp'), make('udp')];
}

/** The FAIL of an exchange whose answer did not come as due. */
export function failAnswer(rfc: string, expected: string, r: { seen: string; inClear?: boolean }): CaseVerdict {
  return fail(rfc, expected, r.inClear ? `${r.seen}, though the SPD says to protect it` : r.seen);
}
