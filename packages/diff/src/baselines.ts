// Which prior releases a run is compared with: kernel.org's own "diffview" predecessors plus what kernel
// labs found they need (the last final, pinned key releases such as an LTS), all at once.
import {
  BASELINE_ROLES,
  compareKernelVersions,
  type BaselineRole,
  type KernelVersion,
  type TaggedVersion,
} from '@testlab/core';

export interface BaselineChoice {
  /** The tested version used as the baseline. */
  version: KernelVersion;
  /** Every rule that chose it, in BASELINE_ROLES order. */
  roles: BaselineRole[];
  /** The exact version a rule asked for when only an earlier one was tested (X.Y.(Z-1) missing, say). */
  wanted: string | null;
}

/**
 * The baselines of `target` among `tested` (versions with a finished run of the same test set and NUT
 * kind), most specific first:
 * - rc X.Y-rcN: the previous rc of the line (none for rc1) and the previous final;
 * - final X.Y: the previous final;
 * - stable X.Y.Z: X.Y.(Z-1) (or the newest earlier stable of the line tested) and X.Y;
 * - snapshot: the previous snapshot and the tag it descends from;
 * - linux-next: the previous linux-next;
 * - plus every `pinned` version that was tested (an LTS, say), whatever the target.
 * A version chosen by several rules appears once with all its roles. Only tested versions are returned.
 */
export function selectBaselines(
  target: KernelVersion,
  tested: readonly KernelVersion[],
  pinned: readonly KernelVersion[] = [],
): BaselineChoice[] {
  const before = tested.filter((v) => compareKernelVersions(v, target) < 0).sort(compareKernelVersions);
  const newest = (keep: (v: KernelVersion) => boolean) => {
    for (let i = before.length - 1; i >= 0; i--) if (keep(before[i]!)) return before[i];
    return undefined;
  };
  const picks: { role: BaselineRole; version: KernelVersion | undefined; wanted?: string }[] = [];
  const previousFinal = () => newest((v) => v.kind === 'final');

  switch (target.kind) {
    case 'rc':
      picks.push({
        role: 'previous-rc',
        version: target.rc > 1 ? newest((v) => v.kind === 'rc' && sameLine(v, target)) : undefined,
        wanted: target.rc > 1 ? `${target.major}.${target.minor}-rc${target.rc - 1}` : undefined,
      });
      picks.push({ role: 'previous-final', version: previousFinal() });
      break;
    case 'final':
      picks.push({ role: 'previous-final', version: previousFinal() });
      break;
    case 'stable': {
      const wanted = target.patch > 1 ? `${target.major}.${target.minor}.${target.patch - 1}` : undefined;
      picks.push({ role: 'previous-stable', version: newest((v) => v.kind === 'stable' && sameLine(v, target)), wanted });
      picks.push({ role: 'line-final', version: newest((v) => v.kind === 'final' && sameLine(v, target)) });
      break;
    }
    case 'snapshot':
      picks.push({ role: 'previous-snapshot', version: newest((v) => v.kind === 'snapshot') });
      picks.push({
        role: 'snapshot-base',
        version: tested.find((v) => compareKernelVersions(v, target.base) === 0),
        wanted: target.base.text,
      });
      break;
    case 'next':
      picks.push({ role: 'previous-next', version: newest((v) => v.kind === 'next') });
      break;
  }
  for (const p of pinned) {
    if (compareKernelVersions(p, target) === 0) continue;
    picks.push({ role: 'pinned', version: tested.find((v) => compareKernelVersions(v, p) === 0) });
  }

  const byText = new Map<string, BaselineChoice>();
  for (const p of picks) {
    if (!p.version) continue;
    const wanted = p.wanted && p.wanted !== p.version.text ? p.wanted : null;
    const seen = byText.get(p.version.text);
    if (seen) {
      if (!seen.roles.includes(p.role)) seen.roles.push(p.role);
      seen.wanted ??= wanted;
    } else {
      byText.set(p.version.text, { version: p.version, roles: [p.role], wanted });
    }
  }
  const order = (r: BaselineRole) => BASELINE_ROLES.indexOf(r);
  const choices = [...byText.values()];
  for (const c of choices) c.roles.sort((a, b) => order(a) - order(b));
  return choices;
}

function sameLine(v: KernelVersion, t: TaggedVersion): boolean {
  return v.kind !== 'next' && v.kind !== 'snapshot' && v.major === t.major && v.minor === t.minor;
}
