// Kernel identity: the only way a version string from outside (kernel.org, a tarball's Makefile, git)
// becomes something the lab uses in a path, a command or a database row.

/** A mainline-lineage release: the base a git snapshot describes itself from. */
export type TaggedVersion =
  | { kind: 'final'; major: number; minor: number; text: string }
  | { kind: 'rc'; major: number; minor: number; rc: number; text: string }
  | { kind: 'stable'; major: number; minor: number; patch: number; text: string };

export type KernelVersion =
  | TaggedVersion
  | { kind: 'next'; date: string; text: string }
  | {
      kind: 'snapshot';
      /** The tag `git describe` counted from. */
      base: TaggedVersion;
      /** Commits since that tag (>= 1). */
      commits: number;
      /** Abbreviated commit id, lower-case hex, 7..40 digits. */
      commit: string;
      text: string;
    };

export type KernelVersionKind = KernelVersion['kind'];

export class InvalidKernelVersion extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid kernel version ${quoteForMessage(input)}: ${reason}`);
    this.name = 'InvalidKernelVersion';
  }
}

// Bounds keep a hostile string from becoming a huge number or a long path component.
const MAX_INPUT = 64;
const NUM = '(0|[1-9][0-9]{0,2})';
const FINAL = new RegExp(`^${NUM}\\.${NUM}$`);
const RC = new RegExp(`^${NUM}\\.${NUM}-rc([1-9][0-9]?)$`);
const STABLE = new RegExp(`^${NUM}\\.${NUM}\\.([1-9][0-9]{0,3})$`);
const NEXT = /^next-([0-9]{4})([0-9]{2})([0-9]{2})$/;
const SNAPSHOT = /^v(.+)-([1-9][0-9]{0,6})-g([0-9a-f]{7,40})$/;

/**
 * Parses the canonical forms: final `6.12`, rc `6.13-rc1`, stable `6.12.3`, linux-next `next-20250107`,
 * git snapshot `v6.13-rc1-123-gabcdef012345`. Everything else throws InvalidKernelVersion saying why.
 */
export function parseKernelVersion(input: string): KernelVersion {
  if (typeof input !== 'string') throw new InvalidKernelVersion(String(input), 'not a string');
  if (input.length === 0) throw new InvalidKernelVersion(input, 'empty');
  if (input.length > MAX_INPUT) throw new InvalidKernelVersion(input, `longer than ${MAX_INPUT} characters`);

  const next = NEXT.exec(input);
  if (next) {
    const [, y, m, d] = next as unknown as [string, string, string, string];
    if (!isRealDate(Number(y), Number(m), Number(d))) throw new InvalidKernelVersion(input, `${y}-${m}-${d} is not a date`);
    return { kind: 'next', date: `${y}${m}${d}`, text: input };
  }
  const snap = SNAPSHOT.exec(input);
  if (snap) {
    const [, baseText, commits, commit] = snap as unknown as [string, string, string, string];
    const base = parseTagged(baseText);
    if (!base) throw new InvalidKernelVersion(input, `snapshot base ${quoteForMessage(baseText)} is not a final, rc or stable version`);
    return { kind: 'snapshot', base, commits: Number(commits), commit, text: input };
  }
  const tagged = parseTagged(input);
  if (tagged) return tagged;
  throw new InvalidKernelVersion(input, explainRejection(input));
}

/**
 * What a tree's `make kernelversion` says, as the lab writes versions: the Makefile gives a final release
 * and an rc a SUBLEVEL of 0 (`6.12.0`, `6.13.0-rc1`), which the lab writes `6.12` and `6.13-rc1` (as their
 * tags and tarballs name them). Anything else must already be canonical. Throws InvalidKernelVersion.
 */
export function kernelVersionFromMake(output: string): KernelVersion {
  const m = /^([0-9]+\.[0-9]+)\.0((?:-rc[0-9]+)?)$/.exec(output);
  return parseKernelVersion(m ? `${m[1]}${m[2]}` : output);
}

/**
 * `make kernelversion` computed from the top Makefile's variables without running make:
 * $(VERSION)$(if $(PATCHLEVEL),.$(PATCHLEVEL)$(if $(SUBLEVEL),.$(SUBLEVEL)))$(EXTRAVERSION).
 */
export function kernelVersionFromMakefileVariables(v: { VERSION: string; PATCHLEVEL: string; SUBLEVEL: string; EXTRAVERSION: string }): KernelVersion {
  const text = `${v.VERSION}${v.PATCHLEVEL ? `.${v.PATCHLEVEL}${v.SUBLEVEL ? `.${v.SUBLEVEL}` : ''}` : ''}${v.EXTRAVERSION}`;
  return kernelVersionFromMake(text);
}

/** A git tag name (`v6.12`, `v6.13-rc1`, `v6.12.3`, `next-20250107`) as a version. */
export function parseGitTag(tag: string): KernelVersion {
  if (tag.startsWith('next-')) return parseKernelVersion(tag);
  if (!tag.startsWith('v')) throw new InvalidKernelVersion(tag, 'a release tag starts with "v" or "next-"');
  const v = parseTagged(tag.slice(1));
  if (!v) throw new InvalidKernelVersion(tag, 'not a release tag (v6.12, v6.13-rc1, v6.12.3)');
  return v;
}

function parseTagged(s: string): TaggedVersion | undefined {
  let m = FINAL.exec(s);
  if (m) return { kind: 'final', major: Number(m[1]), minor: Number(m[2]), text: s };
  m = RC.exec(s);
  if (m) return { kind: 'rc', major: Number(m[1]), minor: Number(m[2]), rc: Number(m[3]), text: s };
  m = STABLE.exec(s);
  if (m) return { kind: 'stable', major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: s };
  return undefined;
}

function explainRejection(s: string): string {
  if (/^v[0-9]/.test(s)) return 'a leading "v" belongs to git tags and snapshots only (write 6.12, not v6.12)';
  if (/^[0-9]+\.[0-9]+\.0$/.test(s)) return 'a final release is never X.Y.0 (write X.Y)';
  if (/\b0[0-9]/.test(s)) return 'numbers have no leading zeros';
  if (/[^A-Za-z0-9.+-]/.test(s)) return 'it contains characters no kernel version has';
  return 'expected final 6.12, rc 6.13-rc1, stable 6.12.3, next-YYYYMMDD or vX.Y[-rcN|.Z]-N-g<hex>';
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 2000 || y > 2999) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function quoteForMessage(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
}

// Ordering. Within one major.minor line: rc1 < rc1+snapshots < rc2 < ... < final < final+snapshots
// (the merge window) < .1 < .1+snapshots < .2 ... linux-next is its own stream, ordered by date; it sorts
// after all mainline-lineage versions because it carries work not yet in any of them.

type SortKey = [group: number, major: number, minor: number, phase: number, n: number, commits: number, commit: string];

function sortKey(v: KernelVersion): SortKey {
  switch (v.kind) {
    case 'next':
      return [1, 0, 0, 0, Number(v.date), 0, ''];
    case 'snapshot': {
      const k = sortKey(v.base);
      return [k[0], k[1], k[2], k[3], k[4], v.commits, v.commit];
    }
    case 'rc':
      return [0, v.major, v.minor, 0, v.rc, 0, ''];
    case 'final':
      return [0, v.major, v.minor, 1, 0, 0, ''];
    case 'stable':
      return [0, v.major, v.minor, 2, v.patch, 0, ''];
  }
}

/** A total order: negative when a sorts before b, 0 only for the same version. */
export function compareKernelVersions(a: KernelVersion, b: KernelVersion): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** `6.13` for rc's, finals, stables and snapshots of them: the line a version belongs to. */
export function releaseLine(v: KernelVersion): string | undefined {
  const t = v.kind === 'snapshot' ? v.base : v;
  return t.kind === 'next' ? undefined : `${t.major}.${t.minor}`;
}
