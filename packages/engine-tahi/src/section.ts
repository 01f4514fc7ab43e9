// The TAHI engine's section of a test set (`tahi:` in testsets/<name>.yaml): the Self_Test 5.0.7 /
// IPsec_Self_Test_P2 make targets the set runs on the tester host, each one the lab knows (targets.ts).
import { z } from 'zod';
import { EngineSetupError } from '@testlab/core';
import { TAHI_TARGETS } from './targets.js';

export interface TahiSection {
  targets: string[];
}

const schema = z.strictObject({
  targets: z
    .array(z.string().regex(/^ipv6ready_[a-z0-9_]{1,40}$/, 'a make target like ipv6ready_p2_host').refine((t) => Object.hasOwn(TAHI_TARGETS, t), 'a target the lab knows (packages/engine-tahi/src/targets.ts)'))
    .min(1),
});

export function parseTahiSection(raw: unknown): TahiSection {
  if (raw === undefined) throw new EngineSetupError('engine tahi needs tahi.targets');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new EngineSetupError(parsed.error.issues.map((i) => `tahi.${i.path.join('.') || '(section)'}: ${i.message}`).join('; '));
  return parsed.data;
}
