// merge_config.sh only warns when a requested option does not make it into the final .config (unknown symbol,
// dependency off, `m` without modules). A NUT kernel missing an option fails tests in ways that look like kernel
// bugs, so every request is parsed up front (malformed lines refused with their origin and line number) and
// checked against the resolved .config after olddefconfig. Pure functions: no files, no processes.
import type { ConfigFragment } from '@testlab/core';

/** One requested option; `value` null means "not set" (`# CONFIG_X is not set` or `CONFIG_X=n`). */
export interface ConfigRequest {
  option: string;
  value: string | null;
  origin: string;
  line: number;
}

export interface ConfigMismatch {
  option: string;
  requested: string | null;
  /** null: `# ... is not set`; undefined: the option is not in the .config at all. */
  got: string | null | undefined;
  origin: string;
}

const NAME = '[A-Za-z0-9_]+';
// Values kconfig writes: tristate/bool, decimal, hex, or a double-quoted string with backslash escapes.
const VALUE = '(?:y|m|n|-?[0-9]+|0[xX][0-9a-fA-F]+|"(?:[^"\\\\]|\\\\.)*")';
const SET_LINE = new RegExp(`^(CONFIG_${NAME})=(${VALUE})$`);
const NOT_SET_LINE = new RegExp(`^# (CONFIG_${NAME}) is not set$`);

export class FragmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`malformed config fragment lines: ${problems.join('; ')}`);
    this.name = 'FragmentError';
  }
}

/** Every request of every fragment, in order (later requests for the same option win, as in merge_config). */
export function parseFragments(fragments: readonly ConfigFragment[]): ConfigRequest[] {
  const requests: ConfigRequest[] = [];
  const problems: string[] = [];
  for (const fragment of fragments) {
    fragment.text.split('\n').forEach((raw, index) => {
      const line = raw.trim();
      const where = `${fragment.origin} line ${index + 1}`;
      if (line === '') return;
      const notSet = NOT_SET_LINE.exec(line);
      if (notSet) return void requests.push({ option: notSet[1] as string, value: null, origin: fragment.origin, line: index + 1 });
      // Any other comment is a comment, except one that looks like a botched "is not set" line.
      if (line.startsWith('#') && !/^#\s*CONFIG_\S+\s+is\s+not\s+set/.test(line)) return;
      const set = SET_LINE.exec(line);
      if (set) {
        const value = set[2] as string;
        return void requests.push({ option: set[1] as string, value: value === 'n' ? null : value, origin: fragment.origin, line: index + 1 });
      }
      problems.push(`${where}: ${JSON.stringify(line.slice(0, 120))} is neither CONFIG_X=<y|m|n|number|"string"> nor "# CONFIG_X is not set"`);
    });
  }
  if (problems.length > 0) throw new FragmentError(problems);
  return requests;
}

/** The options of a resolved .config: value text, or null for `# CONFIG_X is not set`. */
export function parseResolvedConfig(text: string): Map<string, string | null> {
  const options = new Map<string, string | null>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const notSet = NOT_SET_LINE.exec(line);
    if (notSet) options.set(notSet[1] as string, null);
    const eq = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (eq) options.set(eq[1] as string, eq[2] as string);
  }
  return options;
}

/** Every requested option whose resolved value differs, once per option (the last request is the one that counts). */
export function verifyConfig(fragments: readonly ConfigFragment[], resolvedConfig: string): ConfigMismatch[] {
  const wanted = new Map<string, ConfigRequest>();
  for (const request of parseFragments(fragments)) {
    wanted.delete(request.option); // keep the order of the last request
    wanted.set(request.option, request);
  }
  const resolved = parseResolvedConfig(resolvedConfig);
  const mismatches: ConfigMismatch[] = [];
  for (const request of wanted.values()) {
    const got = resolved.get(request.option);
    const ok = request.value === null ? got === undefined || got === null : got === request.value;
    if (!ok) mismatches.push({ option: request.option, requested: request.value, got, origin: request.origin });
  }
  return mismatches;
}

/** `options not set as requested: CONFIG_FOO (requested y, got not set, from testset phase2-host), ...` */
export function describeMismatches(mismatches: readonly ConfigMismatch[]): string {
  const show = (v: string | null | undefined) => (v === undefined ? 'absent' : v === null ? 'not set' : v);
  const items = mismatches.map((m) => `${m.option} (requested ${show(m.requested)}, got ${show(m.got)}, from ${m.origin})`);
  const absent = mismatches.some((m) => m.got === undefined) ? ' [absent: this tree has no such option, or a dependency of it is off]' : '';
  return `options not set as requested: ${items.join(', ')}${absent}`;
}

/** The text written for merge_config.sh: only the validated request lines, nothing else from the fragment. */
export function fragmentFileText(requests: readonly ConfigRequest[]): string {
  return requests.map((r) => (r.value === null ? `# ${r.option} is not set` : `${r.option}=${r.value}`)).join('\n') + '\n';
}
