// Checks for what an operator (or a test set, or a remote server) hands us before it reaches a command line
// or a path. Everything here is pure so the rules can be tested without git, tar or a network.
import { redactUrl } from '@testlab/transport';

/** Tarball names we accept; tar detects the compression from the content, the name only picks the driver. */
export const TARBALL_SUFFIXES = ['.tar', '.tar.gz', '.tgz', '.tar.xz'] as const;

export function isTarballName(name: string): boolean {
  return TARBALL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

// A first character that is a letter or digit keeps a ref from ever being read as an option (`--upload-pack=`);
// the character set leaves out revision syntax (`^`, `~`, `@{`, `:`) so the ref names exactly one thing.
const REF = /^[A-Za-z0-9][A-Za-z0-9._/+-]{0,200}$/;

/** Throws unless `ref` is a plain tag, branch or commit name. Returns it unchanged. */
export function validateGitRef(ref: string): string {
  if (typeof ref !== 'string' || !REF.test(ref)) {
    throw new Error(`invalid git ref ${JSON.stringify(ref)}: expected a tag, branch or commit (letters, digits, . _ / + -; starting with a letter or digit)`);
  }
  // `a..b` is a range, not a ref; `.lock`/`//` are not worth the trouble of allowing.
  if (ref.includes('..') || ref.includes('//') || ref.endsWith('/') || ref.endsWith('.lock')) {
    throw new Error(`invalid git ref ${JSON.stringify(ref)}: ranges ("..") and odd path forms are not refs`);
  }
  return ref;
}

const USER = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/;

/** URL schemes git may use for a repository. `file:`, `ext::` and friends are refused: local repos are given as paths. */
const GIT_SCHEMES = new Set(['https:', 'http:', 'ssh:', 'git:']);

/**
 * Parses a repository or download URL and refuses anything that could turn into an option or a local command
 * (a host starting with `-` becomes `ssh -oProxyCommand=...`).
 */
export function validateRemoteUrl(text: string, schemes: ReadonlySet<string> = GIT_SCHEMES): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`invalid URL ${JSON.stringify(text)}`);
  }
  if (!schemes.has(url.protocol)) {
    throw new Error(`unsupported URL scheme ${JSON.stringify(url.protocol)} in ${redactUrl(text)}: expected one of ${[...schemes].join(', ')}`);
  }
  if (!/^[A-Za-z0-9[][A-Za-z0-9.:[\]-]*$/.test(url.hostname)) {
    throw new Error(`invalid host ${JSON.stringify(url.hostname)} in ${redactUrl(text)}`);
  }
  if (/[\s\u0000-\u001f\u007f]/.test(text)) throw new Error(`URL ${redactUrl(text)} contains spaces or control characters`);
  // ssh gets `user@host` as one word: a user starting with `-` is an option, and `%` hides what git decodes.
  if (url.username !== '' && !USER.test(url.username)) throw new Error(`invalid user name in ${redactUrl(text)}: letters, digits, . _ - (not first)`);
  return url;
}

export const HTTP_SCHEMES: ReadonlySet<string> = new Set(['https:', 'http:']);
