#!/usr/bin/env node
// A real git history of the Linux 6.1 tree, for bisection tests and benchmarks (`testlab bisect`):
//
//   tag good    Debian's linux-source-6.1 tarball (top folder stripped) imported as one commit on branch main
//   main        N commits on top (--commits, default 8), tag bad at the tip. Commit K (--culprit, default 5)
//               is the regression: in net/ipv6/ip6_input.c, ip6_protocol_deliver_rcu answers an unrecognized
//               Next Header with Parameter Problem code 0 (ICMPV6_HDR_FIELD) instead of code 1
//               (ICMPV6_UNK_NEXTHDR), so conformance case v6LC.1.1.7-A FAILs on every commit from K on.
//               The others are harmless, as in real history: alternately a paragraph added to a text file of
//               Documentation/networking/ and a line added to the header comment of a C file of net/ that the
//               lab's kernels compile (an incremental build recompiles one object); kernel-like subjects.
//   flaky       with --flaky-commits M > 0 (default 8): a branch from good whose first commit makes that code
//               random per packet (get_random_u32() & 1), then M-1 harmless commits; tag flaky at its tip (the
//               branch and the tag share the name and the commit). v6LC.1.1.7-A is flaky on every commit of it.
//
// Deterministic: fixed author, committer and dates (one hour apart), no user or system git config, no
// attributes or excludes files, core.autocrlf=false: the same tarball always gives the same commit ids, so
// the lab's kernel cache (keyed by commit) is hit on a rerun. Reused: a folder this script completed for the
// same parameters and the same tarball (sha256) is kept as it is (the import takes minutes); a folder it made
// for anything else, or left half-made, is removed and made again; any other non-empty folder is refused.
// Every edit is checked before anything is committed, and a tree where one does not apply fails loudly.
//
//   node infra/bench/kernel-history.mjs --dir <d> [--source /usr/src/linux-source-6.1.tar.xz] [--commits 8]
//       [--culprit 5] [--flaky-commits 8]
//
// prints a JSON summary on stdout (dir, good, bad, culprit, flaky, every commit in order) and the elapsed
// time on stderr. From a test: `import { makeKernelHistory } from '<repo>/infra/bench/kernel-history.mjs'`.
// Needs git and GNU tar (with xz), and about 2 GB of disk per history (the work tree and .git's loose objects).
// Measured on the 2-core machine (nice 19, other work beside): the import 45-90 s, 8 + 8 commits 20 s more,
// 64 commits 60 s more; a reuse 0.7 s (the tarball's sha256 and a few git reads).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const execFileP = promisify(execFile);

export const DEFAULT_SOURCE = '/usr/src/linux-source-6.1.tar.xz';
export const DEFAULTS = Object.freeze({ commits: 8, culprit: 5, flakyCommits: 8 });
/** Bump when what is made changes: a history of another format is made again, never reused. */
const FORMAT = 1;
/** In .git/: written first (incomplete), completed last. Also what makes a folder ours to remove. */
const MARKER = 'testlab-kernel-history.json';
const MAKER = 'infra/bench/kernel-history.mjs';
const AUTHOR = { name: 'Testlab Bench', email: 'bench@testlab.invalid' };
/** 2024-01-01T00:00:00Z: the import's date; main's commit k is k hours later, the flaky branch's j is j hours and a half. */
const EPOCH = 1_704_067_200;
const IP6_INPUT = 'net/ipv6/ip6_input.c';
/** The call the culprit changes, as 6.1 writes it (over two lines there; any whitespace between the arguments). */
const PARAMPROB_CALL = /icmpv6_send\(skb, ICMPV6_PARAMPROB,(\s*)ICMPV6_UNK_NEXTHDR, nhoff\);/g;

// Harmless commits: text files of Documentation/networking/ (a paragraph appended) and C files of net/ that a
// tinyconfig + NET + INET + IPV6 kernel (the lab's QEMU NUT kernels) compiles (a line added to the header
// comment). ip6_input.c is never touched, so the culprit reverts cleanly onto any later commit.
const DOC_CHANGES = [
  ['ipv6', 'mention the conformance test specifications', 'The IPv6 Ready Logo Phase-2 test specifications describe how a host or a router is expected to answer malformed packets.'],
  ['ip-sysctl', 'clarify where the icmp ratelimit applies', 'The ICMPv6 rate limit applies to every error the node sends, Parameter Problem messages included.'],
  ['snmp_counter', 'note which counter counts unknown protocols', 'A packet whose Next Header no protocol handles counts in Ip6InUnknownProtos before it is dropped.'],
  ['scaling', 'say that the settings are per queue', 'The settings above are per receive queue.'],
  ['netdevices', 'add a note on MTU changes', 'A change of MTU is announced to the protocols through the NETDEV_CHANGEMTU notifier.'],
  ['segmentation-offloads', 'cross-reference netdevices.rst', 'See also Documentation/networking/netdevices.rst for the features a driver advertises.'],
  ['msg_zerocopy', 'note where notifications are read', 'Completion notifications are read from the socket error queue.'],
  ['filter', 'spell out the BPF acronym', 'BPF stands for Berkeley Packet Filter.'],
];
/** Later rounds over the same files: [subject, paragraph]. */
const DOC_MORE = [
  ['name the mailing list', 'Questions about this document are welcome on netdev@vger.kernel.org.'],
  ['state the kernel version described', 'This document describes the behaviour of Linux 6.1.'],
  ['say where corrections go', 'Corrections are welcome: see Documentation/process/submitting-patches.rst.'],
];
const C_CHANGES = [
  ['net/ipv6/ndisc.c', 'ipv6: ndisc', 'name RFC 4861 in the header comment', 'RFC 4861: Neighbor Discovery for IP version 6 (IPv6).'],
  ['net/ipv6/addrconf.c', 'ipv6: addrconf', 'name RFC 4862 in the header comment', 'RFC 4862: IPv6 Stateless Address Autoconfiguration.'],
  ['net/ipv6/icmp.c', 'ipv6: icmp', 'name RFC 4443 in the header comment', 'RFC 4443: ICMPv6, which obsoletes RFC 1885 and RFC 2463.'],
  ['net/ipv6/exthdrs.c', 'ipv6: exthdrs', 'name RFC 8200 in the header comment', 'RFC 8200, section 4: IPv6 Extension Headers.'],
  ['net/ipv6/mcast.c', 'ipv6: mcast', 'name RFC 3810 in the header comment', 'RFC 3810: Multicast Listener Discovery Version 2 (MLDv2) for IPv6.'],
  ['net/ipv6/reassembly.c', 'ipv6: reassembly', 'name RFC 8200 in the header comment', 'RFC 8200, section 4.5: the Fragment Header.'],
  ['net/ipv6/route.c', 'ipv6: route', 'name RFC 4191 in the header comment', 'RFC 4191: Default Router Preferences and More-Specific Routes.'],
  ['net/core/neighbour.c', 'neighbour', 'name its users in the header comment', 'Used by ARP (net/ipv4/arp.c) and Neighbor Discovery (net/ipv6/ndisc.c).'],
];
/** Later rounds over the same files: [subject, line]. */
const C_MORE = [
  ['name the maintainers in the header comment', 'Maintained as part of NETWORKING [IPv4/IPv6]: see MAINTAINERS.'],
  ['name the mailing list in the header comment', 'Changes are discussed on netdev@vger.kernel.org.'],
  ['mention conformance testing in the header comment', 'Checked against the IPv6 Ready Logo Phase-2 test specifications.'],
];

/**
 * Makes (or reuses) the history in `dir` and returns its summary. `log`: progress lines (default: none).
 * @param {{ dir: string, source?: string, commits?: number, culprit?: number, flakyCommits?: number, log?: (line: string) => void }} options
 */
export async function makeKernelHistory(options) {
  const { dir: given, source = DEFAULT_SOURCE, commits = DEFAULTS.commits, culprit = DEFAULTS.culprit, flakyCommits = DEFAULTS.flakyCommits, log = () => undefined } = options;
  if (typeof given !== 'string' || given === '') throw new Error('kernel-history: no --dir given');
  if (!Number.isInteger(commits) || commits < 1 || commits > 10_000) throw new Error(`kernel-history: --commits must be 1..10000, not ${commits}`);
  if (!Number.isInteger(culprit) || culprit < 1 || culprit > commits) throw new Error(`kernel-history: --culprit must be 1..${commits} (a commit of the history), not ${culprit}`);
  if (!Number.isInteger(flakyCommits) || flakyCommits < 0 || flakyCommits > 10_000) throw new Error(`kernel-history: --flaky-commits must be 0..10000, not ${flakyCommits}`);
  const dir = path.resolve(given);
  const tarball = path.resolve(source);
  const st = await stat(tarball).catch(() => undefined);
  if (!st?.isFile()) throw new Error(`kernel-history: the kernel tarball ${tarball} does not exist (Debian: apt-get install linux-source-6.1)`);
  const sha256 = await fileSha256(tarball);
  const params = { commits, culprit, flakyCommits };
  const key = createHash('sha256').update(JSON.stringify({ maker: MAKER, format: FORMAT, tarball: { sha256, size: st.size }, ...params })).digest('hex');

  const release = await lock(dir, log);
  try {
    const kept = await reusable(dir, key, params, log);
    if (kept) {
      log(`kernel-history: ${dir} already holds this history (key ${key.slice(0, 12)}): reused`);
      return { ...kept, reused: true };
    }
    await clear(dir, log);
    await build(dir, { tarball, sha256, size: st.size, mtimeMs: st.mtimeMs }, key, params, log);
    const made = await reusable(dir, key, params, log);
    if (!made) throw new Error(`kernel-history: ${dir} was made but does not read back as the history asked for`);
    return { ...made, reused: false };
  } finally {
    await release();
  }
}

// ---- git, deterministically ----

const GIT_CONFIG = [
  'core.autocrlf=false', 'core.safecrlf=false', 'core.eol=lf', 'core.fileMode=true', 'core.symlinks=true', 'core.ignoreCase=false',
  'core.attributesFile=/dev/null', 'core.excludesFile=/dev/null', 'core.hooksPath=/dev/null', 'core.warnAmbiguousRefs=false',
  'gc.auto=0', 'maintenance.auto=false', 'commit.gpgSign=false', 'tag.gpgSign=false', 'i18n.commitEncoding=UTF-8',
  'advice.detachedHead=false', 'init.defaultBranch=main',
].flatMap((c) => ['-c', c]);

/** The caller's environment minus every GIT_* variable, plus no global or system config and the fixed identity. */
function gitEnv(when) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GIT_')) env[k] = v;
  const date = when === undefined ? {} : { GIT_AUTHOR_DATE: `${when} +0000`, GIT_COMMITTER_DATE: `${when} +0000` };
  return {
    ...env,
    LC_ALL: 'C',
    TZ: 'UTC',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
    ...date,
  };
}

async function git(dir, args, when) {
  try {
    const { stdout } = await execFileP('git', [...GIT_CONFIG, '-C', dir, ...args], { env: gitEnv(when), maxBuffer: 256 << 20 });
    return stdout;
  } catch (error) {
    throw new Error(`kernel-history: git ${args.join(' ')} in ${dir} failed: ${(error.stderr || error.message).trim()}`, { cause: error });
  }
}

/** Null when the ref names no commit. */
async function commitOf(dir, ref) {
  return git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).then((s) => s.trim() || null, () => null);
}

async function revList(dir, range) {
  return (await git(dir, ['rev-list', '--reverse', '--first-parent', range])).split('\n').filter(Boolean);
}

// ---- reuse ----

/** The summary of a history this script completed with the same key in `dir`, or undefined (with the reason logged). */
async function reusable(dir, key, params, log) {
  const marker = await readFile(path.join(dir, '.git', MARKER), 'utf8').then(JSON.parse, () => undefined);
  if (marker === undefined) return undefined;
  if (marker.complete !== true) return void log(`kernel-history: ${dir} is a history left half-made`);
  if (marker.key !== key) return void log(`kernel-history: ${dir} holds a history of other parameters or another tarball (${JSON.stringify(marker.params)})`);
  const good = await commitOf(dir, 'refs/tags/good');
  const bad = await commitOf(dir, 'refs/tags/bad');
  if (!good || !bad) return void log(`kernel-history: ${dir} has lost its tag good or bad`);
  const commits = await revList(dir, `${good}..${bad}`);
  if (commits.length !== params.commits) return void log(`kernel-history: ${dir} has ${commits.length} commits from good to bad, not ${params.commits}`);
  let flaky = null;
  let flakyCommits = [];
  if (params.flakyCommits > 0) {
    flaky = await commitOf(dir, 'refs/tags/flaky');
    if (!flaky) return void log(`kernel-history: ${dir} has lost its tag flaky`);
    flakyCommits = await revList(dir, `${good}..${flaky}`);
    if (flakyCommits.length !== params.flakyCommits) return void log(`kernel-history: ${dir} has ${flakyCommits.length} commits on the flaky branch, not ${params.flakyCommits}`);
  }
  return { dir, good, bad, culprit: commits[params.culprit - 1], culpritIndex: params.culprit, flaky, commits, flakyCommits, key };
}

/** Empties the way for a new history: nothing there, an empty folder, or a history of ours (complete or not). */
async function clear(dir, log) {
  const entries = await readdir(dir).catch((e) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  if (entries === null || entries.length === 0) return;
  const ours = await stat(path.join(dir, '.git', MARKER)).then(() => true, () => false);
  if (!ours) throw new Error(`kernel-history: ${dir} is not empty and was not made by ${MAKER}: refusing to remove it (give an empty or new folder)`);
  log(`kernel-history: removing the history in ${dir}`);
  await rm(dir, { recursive: true, force: true });
}

/** One maker per folder at a time (a lock file beside it, taken over from a process that died). */
async function lock(dir, log) {
  const file = `${dir}.lock`;
  await mkdir(path.dirname(file), { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const pid = Number(await readFile(file, 'utf8').catch(() => ''));
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      await rm(file, { force: true });
      continue;
    }
    if (waited % 60 === 0) log(`kernel-history: waiting for process ${pid || '?'} making ${dir} (${file})`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function fileSha256(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

// ---- the edits (pure: old text in, new text out; each throws when it does not apply) ----

/** The Parameter Problem call of ip6_protocol_deliver_rcu: exactly one, inside that function. */
function paramProbCall(text) {
  const matches = [...text.matchAll(PARAMPROB_CALL)];
  if (matches.length !== 1) throw new Error(`kernel-history: ${IP6_INPUT} has ${matches.length} calls icmpv6_send(skb, ICMPV6_PARAMPROB, ICMPV6_UNK_NEXTHDR, nhoff), expected exactly 1`);
  const start = text.indexOf('void ip6_protocol_deliver_rcu(');
  const end = start < 0 ? -1 : text.indexOf('\n}\n', start);
  const m = matches[0];
  if (start < 0 || end < 0 || m.index < start || m.index > end) throw new Error(`kernel-history: the ICMPV6_UNK_NEXTHDR Parameter Problem of ${IP6_INPUT} is not in ip6_protocol_deliver_rcu`);
  return m;
}

/** Code 1 -> code 0 for an unrecognized Next Header. */
export function culpritEdit(text) {
  const m = paramProbCall(text);
  return text.slice(0, m.index) + `icmpv6_send(skb, ICMPV6_PARAMPROB,${m[1]}ICMPV6_HDR_FIELD, nhoff);` + text.slice(m.index + m[0].length);
}

/** Code 0 or 1 at random, per packet. `randomDeclared`: whether <linux/random.h> already reaches the file. */
export function flakyEdit(text, randomDeclared) {
  const m = paramProbCall(text);
  const ws = m[1];
  let out = text.slice(0, m.index) + `icmpv6_send(skb, ICMPV6_PARAMPROB,${ws}(get_random_u32() & 1) ?${ws}ICMPV6_HDR_FIELD : ICMPV6_UNK_NEXTHDR,${ws}nhoff);` + text.slice(m.index + m[0].length);
  if (!randomDeclared) {
    const includes = [...out.matchAll(/^#include <linux\/[^>]+>\n/gm)];
    if (includes.length === 0) throw new Error(`kernel-history: ${IP6_INPUT} has no #include <linux/...> to put <linux/random.h> after`);
    const last = includes[includes.length - 1];
    out = out.slice(0, last.index + last[0].length) + '#include <linux/random.h>\n' + out.slice(last.index + last[0].length);
  }
  return out;
}

/** A paragraph appended to a text file. */
function docEdit(text, paragraph) {
  return `${text.replace(/\n*$/, '\n')}\n${paragraph}\n`;
}

/** A line added at the end of the file's first block comment (its header): a comment-only change. */
function headerCommentEdit(text, line, file) {
  const open = /^\/\*/m.exec(text);
  const close = open ? text.indexOf('\n */\n', open.index) : -1;
  if (!open || close < 0 || text.slice(open.index + 2, close).includes('*/')) throw new Error(`kernel-history: ${file} has no header block comment closed by a line " */"`);
  return `${text.slice(0, close)}\n *\n *\t${line}${text.slice(close)}`;
}

/**
 * Harmless change number i (1-based): odd a Documentation paragraph, even a header comment line. Round r over
 * the files takes its text from the r-th list (past the lists, the last text with the round's number).
 */
function harmless(i) {
  const n = Math.floor((i - 1) / 2);
  const pick = (list, more) => {
    const [first, ...rest] = list[n % list.length];
    const round = Math.floor(n / list.length);
    const [subject, text] = round === 0 ? rest.slice(-2) : more[Math.min(round, more.length) - 1];
    const suffix = round > more.length ? ` (${round + 1})` : '';
    return { first, rest, subject: `${subject}${suffix}`, text: `${text}${suffix}` };
  };
  if (i % 2 === 1) {
    const { first: stem, subject, text } = pick(DOC_CHANGES, DOC_MORE);
    const file = `Documentation/networking/${stem}.rst`;
    return {
      file,
      edit: (old) => docEdit(old, text),
      subject: `docs: networking: ${stem}: ${subject}`,
      body: `Add one paragraph to ${file}. Text only: nothing is built from it.`,
    };
  }
  const { first: file, rest, subject, text } = pick(C_CHANGES, C_MORE);
  return {
    file,
    edit: (old) => headerCommentEdit(old, text, file),
    subject: `${rest[0]}: ${subject}`,
    body: `Add one line to the header comment of ${file}. Comment only: the code is unchanged.`,
  };
}

const CULPRIT = {
  file: IP6_INPUT,
  edit: culpritEdit,
  subject: 'ipv6: answer an unknown next header with Parameter Problem code 0',
  body: 'ip6_protocol_deliver_rcu() now reports an unrecognized Next Header as an erroneous header field\n(ICMPV6_HDR_FIELD, code 0) instead of ICMPV6_UNK_NEXTHDR (code 1).\n\nThis is the regression the lab\'s bisection tests look for: RFC 8200 section 4 asks for code 1,\nso conformance case v6LC.1.1.7-A fails from this commit on.',
};

// ---- making it ----

async function build(dir, tarball, key, params, log) {
  const started = Date.now();
  const marker = { maker: MAKER, format: FORMAT, key, params, tarball, complete: false };
  await mkdir(dir, { recursive: true });
  await git(dir, ['init', '-q', '--template=', '-b', 'main']);
  await writeFile(path.join(dir, '.git', MARKER), `${JSON.stringify(marker, null, 2)}\n`);

  log(`kernel-history: unpacking ${tarball.tarball} into ${dir}`);
  try {
    await execFileP('tar', ['-x', '-f', tarball.tarball, '-C', dir, '--strip-components=1', '--no-same-owner'], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 });
  } catch (error) {
    throw new Error(`kernel-history: tar -x -f ${tarball.tarball} failed: ${(error.stderr || error.message).trim()}`, { cause: error });
  }
  const read = (file) => readFile(path.join(dir, file), 'utf8').catch(() => Promise.reject(new Error(`kernel-history: the tree has no ${file}`)));
  const version = kernelVersion(await read('Makefile'));

  // Every edit is tried on the imported tree first: a tree where one does not apply fails before minutes of git add.
  const icmpv6 = await read('include/uapi/linux/icmpv6.h');
  if (!/^#define ICMPV6_HDR_FIELD\s+0$/m.test(icmpv6) || !/^#define ICMPV6_UNK_NEXTHDR\s+1$/m.test(icmpv6)) throw new Error('kernel-history: include/uapi/linux/icmpv6.h does not define ICMPV6_HDR_FIELD 0 and ICMPV6_UNK_NEXTHDR 1');
  const ip6Input = await read(IP6_INPUT);
  culpritEdit(ip6Input);
  const randomDeclared = await randomReaches(read, ip6Input, params.flakyCommits > 0);
  if (params.flakyCommits > 0) flakyEdit(ip6Input, randomDeclared);
  for (let i = 1; i <= Math.min(params.commits + params.flakyCommits, 2 * (DOC_CHANGES.length + C_CHANGES.length)); i++) {
    const h = harmless(i);
    h.edit(await read(h.file));
  }

  log(`kernel-history: git add -A -f (Linux ${version}; Debian's .gitignore ignores the top level)`);
  await git(dir, ['add', '-A', '-f']);
  const good = await commit(dir, { subject: `Import Debian linux-source-6.1 (${version})`, body: `The tree of ${path.basename(tarball.tarball)} as Debian ships it, top folder stripped.` }, EPOCH);
  await tag(dir, 'good', good, key, EPOCH, 'the imported tree: v6LC.1.1.7-A passes');
  log(`kernel-history: imported as ${good.slice(0, 12)} in ${seconds(Date.now() - started)}`);

  let tip = good;
  for (let k = 1; k <= params.commits; k++) {
    const change = k === params.culprit ? CULPRIT : harmless(k);
    await apply(dir, change);
    tip = await commit(dir, change, EPOCH + k * 3600);
  }
  const bad = tip;

  if (params.flakyCommits > 0) {
    await git(dir, ['checkout', '-q', '-b', 'flaky', good]);
    const flakyChange = {
      file: IP6_INPUT,
      edit: (text) => flakyEdit(text, randomDeclared),
      subject: 'ipv6: pick the Parameter Problem code for an unknown next header at random',
      body: 'ip6_protocol_deliver_rcu() answers an unrecognized Next Header with code 0 or code 1, chosen per\npacket by get_random_u32().\n\nA flaky regression for the lab\'s tests: conformance case v6LC.1.1.7-A passes or fails by chance on\nevery commit of this branch.',
    };
    let flakyTip = good;
    for (let j = 1; j <= params.flakyCommits; j++) {
      const change = j === 1 ? flakyChange : harmless(params.commits + j);
      await apply(dir, change);
      flakyTip = await commit(dir, change, EPOCH + j * 3600 + 1800);
    }
    await tag(dir, 'flaky', flakyTip, key, EPOCH + params.flakyCommits * 3600 + 1800, 'the flaky branch: v6LC.1.1.7-A passes or fails by chance');
    await git(dir, ['checkout', '-q', 'main']);
  }
  await tag(dir, 'bad', bad, key, EPOCH + params.commits * 3600, `commit ${params.culprit} of ${params.commits} broke v6LC.1.1.7-A`);
  await writeFile(path.join(dir, '.git', MARKER), `${JSON.stringify({ ...marker, complete: true }, null, 2)}\n`);
  log(`kernel-history: ${params.commits} commits on main${params.flakyCommits > 0 ? `, ${params.flakyCommits} on flaky` : ''} in ${seconds(Date.now() - started)} in all`);
}

/** Whether get_random_u32 is declared for ip6_input.c without a new include (6.1: via <linux/net.h>). */
async function randomReaches(read, ip6Input, needed) {
  if (!needed) return true;
  const random = await read('include/linux/random.h');
  if (!/^u32 get_random_u32\(void\);$/m.test(random)) throw new Error('kernel-history: include/linux/random.h does not declare u32 get_random_u32(void)');
  if (/^#include <linux\/random\.h>$/m.test(ip6Input)) return true;
  if (!/^#include <linux\/net\.h>$/m.test(ip6Input)) return false;
  return /^#include <linux\/random\.h>$/m.test(await read('include/linux/net.h'));
}

async function apply(dir, change) {
  const file = path.join(dir, change.file);
  const before = await readFile(file, 'utf8');
  const after = change.edit(before);
  if (after === before) throw new Error(`kernel-history: the change "${change.subject}" leaves ${change.file} as it was`);
  await writeFile(file, after);
  await git(dir, ['add', '-f', '--', change.file]);
}

async function commit(dir, change, when) {
  await git(dir, ['commit', '-q', '--no-verify', '--cleanup=strip', '-m', `${change.subject}\n\n${change.body}\n\nSigned-off-by: ${AUTHOR.name} <${AUTHOR.email}>`], when);
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}

async function tag(dir, name, commitId, key, when, what) {
  await git(dir, ['tag', '-a', name, '-m', `${what}\n\nMade by ${MAKER} (format ${FORMAT}, key ${key}).`, commitId], when);
}

function kernelVersion(makefile) {
  const v = (name) => new RegExp(`^${name}\\s*=\\s*(\\S*)\\s*$`, 'm').exec(makefile)?.[1];
  const [version, patchlevel, sublevel, extra] = [v('VERSION'), v('PATCHLEVEL'), v('SUBLEVEL'), v('EXTRAVERSION') ?? ''];
  if (!version || !patchlevel || sublevel === undefined) throw new Error('kernel-history: the tree\'s Makefile declares no VERSION, PATCHLEVEL and SUBLEVEL');
  return `${version}.${patchlevel}.${sublevel}${extra}`;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---- command line ----

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      source: { type: 'string', default: DEFAULT_SOURCE },
      commits: { type: 'string', default: String(DEFAULTS.commits) },
      culprit: { type: 'string', default: String(DEFAULTS.culprit) },
      'flaky-commits': { type: 'string', default: String(DEFAULTS.flakyCommits) },
    },
  });
  const count = (name) => {
    const text = values[name];
    if (!/^[0-9]+$/.test(text)) throw new Error(`kernel-history: --${name} wants a count, not ${JSON.stringify(text)}`);
    return Number(text);
  };
  if (!values.dir) throw new Error('usage: node infra/bench/kernel-history.mjs --dir <d> [--source <tarball>] [--commits 8] [--culprit 5] [--flaky-commits 8]');
  const started = Date.now();
  const summary = await makeKernelHistory({
    dir: values.dir,
    source: values.source,
    commits: count('commits'),
    culprit: count('culprit'),
    flakyCommits: count('flaky-commits'),
    log: (line) => void process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  process.stderr.write(`kernel-history: ${summary.reused ? 'reused' : 'made'} in ${seconds(Date.now() - started)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  });
}
