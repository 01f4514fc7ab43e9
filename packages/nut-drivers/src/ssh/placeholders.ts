// Operator-configured commands (install, boot, power) are argv arrays with placeholders: `{bzImage}`,
// `{release}`, `{modules}`, `{host}`, alone or inside a word (`testlab-{release}`: GRUB takes an entry id
// that starts with a digit for an entry number, so ids need a prefix). The words stay words: argv is never
// joined for a shell unquoted, so a value can neither split an argument nor be read as shell syntax.
const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

export function expandArgv(argv: readonly string[], values: Record<string, string>): string[] {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map((word) =>
    word.replace(PLACEHOLDER, (_, name: string) => {
      const value = Object.hasOwn(values, name) ? values[name] : undefined;
      if (value === undefined) throw new Error(`unknown placeholder {${name}} in ${JSON.stringify(word)} (known: ${Object.keys(values).map((k) => `{${k}}`).join(', ')})`);
      return value;
    }),
  );
}
