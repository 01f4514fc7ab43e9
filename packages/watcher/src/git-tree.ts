// A configured git tree as a watch source: release tags (`v*`, `next-*`) and branch heads. A branch head is a
// daily snapshot named by `git describe` (`v6.13-rc1-123-gabcdef012345`); a head sitting on a tag is that
// tag's kernel. One kernel per commit: the first name found for a commit (tags before branches) wins.
//
// Trust. With a `keyring`, a tag is taken only when it is an annotated tag signed by a key in that keyring
// and naming the commit that will be built (tag-signature.ts); anything else is skipped with the reason.
// A branch head is no tag and carries no signature: it is trusted because it is what the configured remote
// (its URL, over https/ssh) serves, exactly as much as that server and its transport are. A head that
// sits on a release tag is given the tag's name only if that tag's signature holds.
import path from 'node:path';
import { compareKernelVersions, parseGitTag, parseKernelVersion, type DiscoveredKernel, type KernelVersion } from '@testlab/core';
import { COMMIT, firstLine, gitIn, normalizeRepo, updateGitMirror } from '@testlab/kernel-sources';
import { tagChecker, type ListedTag, type TagSignatureCheck } from './tag-signature.js';
import { quoted, type PollContext, type SkippedEntry, type SourcePoll, type WatchSource } from './watch-source.js';

export interface GitTreeOptions {
  /** The stream name in results (`torvalds`, `net-next`): letters, digits, `-`, `_`, `.`. */
  name: string;
  /** Repository URL or local path. */
  repo: string;
  /** Tag name prefixes to watch; default `v` and `next-`. An empty list watches no tags. */
  tagPrefixes?: string[];
  /** Branches whose heads are snapshots; default none. */
  branches?: string[];
  /** Versions older than this (e.g. `6.1`) are ignored: the real trees carry thousands of old tags. */
  since?: string;
  /**
   * gpgv keyring file (`gpg --export` of the signers' keys). When set, every tag taken must be an annotated
   * tag signed by a key in it; unsigned, lightweight, tampered and foreign-signed tags are skipped.
   */
  keyring?: string;
}

interface Tag extends ListedTag {
  version: KernelVersion;
  time: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._/+-]{0,200}$/;
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/;

export class GitTreeSource implements WatchSource {
  readonly description: string;
  private readonly repo: string;
  private readonly tagPrefixes: string[];
  private readonly branches: string[];
  private readonly since: KernelVersion | undefined;
  private readonly keyring: string | undefined;
  /** Good checks of the last poll, by keyring digest and tag object: a tag object never changes, gpgv need not rerun. */
  private verified = new Map<string, TagSignatureCheck>();

  constructor(private readonly options: GitTreeOptions) {
    if (!NAME.test(options.name)) throw new Error(`git tree name ${quoted(options.name)}: letters, digits, ".", "_" and "-" only`);
    this.repo = normalizeRepo(options.repo);
    this.tagPrefixes = options.tagPrefixes ?? ['v', 'next-'];
    for (const p of this.tagPrefixes) if (!PREFIX.test(p)) throw new Error(`git tree ${options.name}: tag prefix ${quoted(p)} is not a plain name start`);
    this.branches = options.branches ?? [];
    for (const b of this.branches) {
      if (!BRANCH.test(b) || b.includes('..') || b.endsWith('.lock')) throw new Error(`git tree ${options.name}: branch ${quoted(b)} is not a plain branch name`);
    }
    this.since = options.since === undefined ? undefined : parseKernelVersion(options.since);
    if (options.keyring !== undefined && options.keyring.trim() === '') throw new Error(`git tree ${options.name}: keyring is an empty path`);
    this.keyring = options.keyring === undefined ? undefined : path.resolve(options.keyring);
    this.description = `git-tree ${options.name} ${this.repo}`;
  }

  async poll(context: PollContext): Promise<SourcePoll> {
    const mirror = await updateGitMirror(context.cacheDir, this.repo, context.progress);
    const git = gitIn(mirror);
    const kernels: DiscoveredKernel[] = [];
    const skipped: SkippedEntry[] = [];
    const byCommit = new Map<string, string>();
    // Read once per poll: an unreadable keyring fails the whole source, since none of its tags can be judged.
    const signatures = this.keyring === undefined ? undefined : await tagChecker(mirror, this.keyring, this.verified, `git tree ${this.options.name}`);
    const tooOld = (version: KernelVersion) => this.since !== undefined && version.kind !== 'next' && compareKernelVersions(version, this.since) < 0;
    const take = (entry: string, version: KernelVersion, ref: string, commit: string, time: number, stream: string, signed?: TagSignatureCheck) => {
      if (tooOld(version)) return skipped.push({ entry, reason: `older than ${this.since?.text} (the tree's "since" setting)` });
      const earlier = byCommit.get(commit);
      if (earlier !== undefined) return skipped.push({ entry, reason: `same commit as ${earlier}` });
      byCommit.set(commit, version.text);
      kernels.push({
        version,
        stream,
        eol: false,
        origin: { type: 'git', repo: this.repo, ref, commit, ...(signed ? { tagSignature: { tagObject: signed.tagObject, fingerprint: signed.fingerprint, signer: signed.signer } } : {}) },
        released: time > 0 ? new Date(time * 1000).toISOString() : undefined,
        foundBy: this.description,
      });
      return undefined;
    };

    const tags = this.tagPrefixes.length === 0 ? [] : await listTags(mirror, this.tagPrefixes.map((p) => `refs/tags/${p}*`), skipped);
    // Oldest first, so the report reads like the tree's history.
    tags.sort((a, b) => compareKernelVersions(a.version, b.version));
    for (const t of tags) {
      const entry = `tag ${t.name}`;
      // Old tags are skipped before gpgv runs: a real tree has thousands of them.
      if (signatures && !tooOld(t.version)) {
        const checked = await signatures.check(t);
        if (checked instanceof Error) {
          skipped.push({ entry, reason: `refused by its signature check: ${checked.message}` });
          continue;
        }
        take(entry, t.version, t.name, t.commit, t.time, this.options.name, checked);
      } else take(entry, t.version, t.name, t.commit, t.time, this.options.name);
    }

    for (const branch of this.branches) {
      const entry = `branch ${branch}`;
      let commit: string;
      try {
        commit = (await git.raw(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`])).trim();
      } catch (error) {
        skipped.push({ entry, reason: `no such branch in ${this.repo}: ${firstLine(error)}` });
        continue;
      }
      try {
        const { version, tag } = await describe(mirror, commit);
        // A head on a tag would be named as that release: with a keyring, only if the tag's signature holds.
        let signed: TagSignatureCheck | undefined;
        if (signatures && tag !== undefined) {
          const unlisted: SkippedEntry[] = [];
          const [listed] = await listTags(mirror, [`refs/tags/${tag}`], unlisted);
          const checked = listed === undefined ? new Error(unlisted[0]?.reason ?? 'no such tag') : await signatures.check(listed);
          if (checked instanceof Error) {
            skipped.push({ entry, reason: `its head is tag ${tag}, refused by its signature check: ${checked.message}` });
            continue;
          }
          signed = checked;
        }
        const time = Number((await git.raw(['log', '-1', '--format=%ct', commit])).trim());
        take(entry, version, branch, commit, time, `${this.options.name}/${branch}`, signed);
      } catch (error) {
        skipped.push({ entry, reason: (error as Error).message });
      }
    }
    this.verified = signatures?.good ?? new Map();
    return { kernels, skipped };
  }
}

/** Tags, annotated or not, under the given ref patterns: `*objectname` is what an annotated tag points to. */
async function listTags(mirror: string, patterns: string[], skipped: SkippedEntry[]): Promise<Tag[]> {
  const format = ['%(refname)', '%(objecttype)', '%(objectname)', '%(*objecttype)', '%(*objectname)', '%(creatordate:unix)'].join('%09');
  const listing = await gitIn(mirror).raw(['for-each-ref', `--format=${format}`, ...patterns]);
  const tags: Tag[] = [];
  for (const line of listing.split('\n')) {
    if (line === '') continue;
    const [refname = '', type = '', object = '', peeledType, peeled = '', time = '0'] = line.split('\t');
    const name = refname.replace(/^refs\/tags\//, '');
    const commit = type === 'commit' ? object : peeledType === 'commit' ? peeled : undefined;
    if (commit === undefined || !COMMIT.test(commit)) {
      skipped.push({ entry: `tag ${quoted(name)}`, reason: `points to a ${peeledType || type}, not a commit` });
      continue;
    }
    try {
      tags.push({ name, version: parseGitTag(name), objectType: type, object, commit, time: Number(time) });
    } catch (error) {
      skipped.push({ entry: `tag ${quoted(name)}`, reason: (error as Error).message });
    }
  }
  return tags;
}

/**
 * The commit's version: the tag itself when the commit is tagged (and then the tag's name), else the snapshot
 * name `git describe` gives from the nearest `v` tag. Both go through @testlab/core's parser: a repository
 * is outside input.
 */
async function describe(mirror: string, commit: string): Promise<{ version: KernelVersion; tag?: string }> {
  let text: string;
  try {
    text = (await gitIn(mirror).raw(['describe', '--tags', '--abbrev=12', '--match', 'v[0-9]*', commit])).trim();
  } catch (error) {
    throw new Error(`no release tag to describe ${commit.slice(0, 12)} from: ${firstLine(error)}`, { cause: error });
  }
  return /-g[0-9a-f]+$/.test(text) ? { version: parseKernelVersion(text) } : { version: parseGitTag(text), tag: text };
}
