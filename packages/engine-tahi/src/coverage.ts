// Which of a test set's INDEX ids an engine implements, by group (`v6LC.2.1.x: 12/22 implemented`).
import type { IndexCase } from './index-file.js';

export interface GroupCoverage {
  /** `v6LC.2.1.x` */
  group: string;
  total: number;
  implemented: string[];
  missing: string[];
}

export interface SetCoverage {
  testset: string;
  total: number;
  implemented: number;
  groups: GroupCoverage[];
  /** Ids the set lists that its INDEX files do not have (a typo, or a part TAHI numbers differently). */
  notInIndex: string[];
}

export function coverageOf(testset: string, index: readonly IndexCase[], implemented: (id: string) => boolean, listed: readonly string[] = []): SetCoverage {
  const groups = new Map<string, GroupCoverage>();
  for (const c of index) {
    const key = `${c.group}.x`;
    const g = groups.get(key) ?? { group: key, total: 0, implemented: [], missing: [] };
    g.total++;
    (implemented(c.id) ? g.implemented : g.missing).push(c.id);
    groups.set(key, g);
  }
  const all = [...groups.values()];
  return {
    testset,
    total: index.length,
    implemented: all.reduce((n, g) => n + g.implemented.length, 0),
    groups: all,
    notInIndex: listed.filter((id) => !index.some((c) => c.id === id)),
  };
}
