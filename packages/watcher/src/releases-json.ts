// kernel.org's releases.json as a watch source. The whole feed is validated with zod; one bad entry is
// skipped with its reason and the others are kept; a feed that is not JSON (or not this shape) yields nothing.
import { z } from 'zod';
import { parseKernelVersion, type DiscoveredKernel, type KernelOrigin, type KernelVersion, type KernelVersionKind } from '@testlab/core';
import { fetchText, type HttpOptions } from '@testlab/transport';
import { quoted, type PollContext, type SkippedEntry, type SourcePoll, type WatchSource } from './watch-source.js';
import { checkHttpUrl } from './urls.js';

export const DEFAULT_RELEASES_URL = 'https://www.kernel.org/releases.json';
/** linux-next entries carry no tarball: the kernel is the tag in this tree. */
export const DEFAULT_NEXT_REPO = 'https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git';

export const MONIKERS = ['mainline', 'stable', 'longterm', 'linux-next'] as const;
export type Moniker = (typeof MONIKERS)[number];

/** Which kinds of version each moniker may carry; anything else in the feed is a lie or a new convention. */
const KINDS_OF: Record<Moniker, readonly KernelVersionKind[]> = {
  mainline: ['final', 'rc'],
  // Right after a final, kernel.org may list X.Y under stable before X.Y.1 exists.
  stable: ['stable', 'final'],
  longterm: ['stable', 'final'],
  'linux-next': ['next'],
};

// Absent values are JSON null, never missing keys (kernel-org.md): a missing key is a malformed entry.
const nullableUrl = z.string().max(2048).nullable();
const releaseEntry = z.object({
  moniker: z.string(),
  version: z.string(),
  iseol: z.boolean(),
  released: z.object({ timestamp: z.number().int().min(0).max(2 ** 40), isodate: z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/) }),
  source: nullableUrl,
  pgp: nullableUrl,
  gitweb: nullableUrl,
  changelog: nullableUrl,
  diffview: nullableUrl,
  patch: z.object({ full: nullableUrl, incremental: nullableUrl }),
});
type ReleaseEntry = z.infer<typeof releaseEntry>;

const releasesFeed = z.object({
  latest_stable: z.object({ version: z.string() }).nullable().optional(),
  // Each entry is checked on its own below, so one bad entry cannot sink the feed.
  releases: z.array(z.unknown()).max(10_000),
});

export interface ReleasesJsonOptions {
  /** The feed URL (a setting: tests and mirrors serve their own). */
  url?: string;
  nextRepo?: string;
  http?: HttpOptions;
}

/** Thrown when the feed as a whole is unusable: not JSON, or not `{releases: [...]}`. */
export class InvalidFeed extends Error {
  constructor(source: string, reason: string) {
    super(`${source} is not a usable releases.json: ${reason}`);
    this.name = 'InvalidFeed';
  }
}

/**
 * Parses a releases.json text into kernels, one per good entry; `foundBy` names the feed in the results.
 * Throws InvalidFeed when the text is not JSON or has no `releases` array.
 */
export function parseReleasesJson(text: string, foundBy: string, options: { nextRepo?: string } = {}): SourcePoll {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidFeed(foundBy, `invalid JSON (${(error as Error).message})`);
  }
  const feed = releasesFeed.safeParse(json);
  if (!feed.success) throw new InvalidFeed(foundBy, describeIssues(feed.error));

  const kernels: DiscoveredKernel[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  feed.data.releases.forEach((raw, i) => {
    const label = entryLabel(raw, i);
    const entry = releaseEntry.safeParse(raw);
    if (!entry.success) return skipped.push({ entry: label, reason: describeIssues(entry.error) });
    try {
      const kernel = kernelOf(entry.data, foundBy, options.nextRepo ?? DEFAULT_NEXT_REPO);
      if (seen.has(kernel.version.text)) return skipped.push({ entry: label, reason: 'the feed lists this version twice; the first entry is kept' });
      seen.add(kernel.version.text);
      kernels.push(kernel);
    } catch (error) {
      skipped.push({ entry: label, reason: (error as Error).message });
    }
    return undefined;
  });
  return { kernels, skipped };
}

function kernelOf(e: ReleaseEntry, foundBy: string, nextRepo: string): DiscoveredKernel {
  if (!(MONIKERS as readonly string[]).includes(e.moniker)) throw new Error(`unknown moniker ${quoted(e.moniker)} (known: ${MONIKERS.join(', ')})`);
  const moniker = e.moniker as Moniker;
  const version = parseKernelVersion(e.version);
  if (!KINDS_OF[moniker].includes(version.kind)) throw new Error(`a ${moniker} entry cannot be a ${version.kind} version (${quoted(e.version)})`);
  return {
    version,
    stream: moniker,
    eol: e.iseol,
    origin: originOf(e, version, nextRepo),
    released: new Date(e.released.timestamp * 1000).toISOString(),
    foundBy,
  };
}

function originOf(e: ReleaseEntry, version: KernelVersion, nextRepo: string): KernelOrigin {
  if (version.kind === 'next') return { type: 'git', repo: nextRepo, ref: version.text };
  if (e.source === null) throw new Error(`no source tarball URL for ${version.kind} ${version.text}`);
  // The file names must be the version's: a feed that points 6.12 at another kernel's tarball is refused here,
  // before a signature (valid for that other kernel) could make it look right.
  const url = checkHttpUrl(e.source, 'source');
  const name = lastSegment(url);
  if (name !== `linux-${version.text}.tar.xz` && name !== `linux-${version.text}.tar.gz`) {
    throw new Error(`source ${quoted(name)} is not linux-${version.text}.tar.xz or .tar.gz`);
  }
  if (e.pgp === null) {
    // rc's are cgit snapshots without signatures: they are checked against the git tag instead.
    if (version.kind === 'rc') return { type: 'tarball', url: url.href };
    throw new Error(`no pgp signature URL for ${version.kind} ${version.text}: unsigned finals and stable releases are not taken`);
  }
  const sig = checkHttpUrl(e.pgp, 'pgp');
  if (lastSegment(sig) !== `linux-${version.text}.tar.sign`) throw new Error(`pgp ${quoted(lastSegment(sig))} is not linux-${version.text}.tar.sign`);
  return { type: 'tarball', url: url.href, signatureUrl: sig.href };
}

function lastSegment(url: URL): string {
  return decodeURIComponent(url.pathname.split('/').pop() ?? '');
}

function entryLabel(raw: unknown, i: number): string {
  const version = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  return version === undefined ? `releases[${i}]` : `releases[${i}] version ${quoted(version)}`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 4)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top)'}: ${issue.message}`)
    .join('; ');
}

export class ReleasesJsonSource implements WatchSource {
  readonly description: string;
  private readonly url: string;

  constructor(private readonly options: ReleasesJsonOptions = {}) {
    this.url = checkHttpUrl(options.url ?? DEFAULT_RELEASES_URL, 'releases URL').href;
    this.description = `releases-json ${this.url}`;
  }

  async poll(context: PollContext): Promise<SourcePoll> {
    context.progress.step(`GET ${this.url}`);
    const text = await fetchText(this.url, this.options.http, context.progress);
    return parseReleasesJson(text, this.description, this.options.nextRepo === undefined ? {} : { nextRepo: this.options.nextRepo });
  }
}
