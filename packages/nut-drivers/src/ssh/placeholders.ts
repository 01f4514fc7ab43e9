// Operator-configured commands (install, boot, power) are argv arrays with whole-word placeholders:
// `{bzImage}`, `{release}`, `{modules}`, `{host}`. A placeholder is replaced only when it is the entire
// word, so a value can never split into several arguments or reach a shell unquoted.
const PLACEHOLDER = /^\{([a-zA-Z]+)\}$/;

export function expandArgv(argv: readonly string[], values: Record<string, string>): string[] {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map((word) => {
    const name = PLACEHOLDER.exec(word)?.[1];
    if (name === undefined) {
      if (/\{[a-zA-Z]+\}/.test(word)) throw new Error(`placeholder inside the word ${JSON.stringify(word)}: a placeholder must be a whole argument`);
      return word;
    }
    const value = values[name];
    if (value === undefined) throw new Error(`unknown placeholder {${name}} (known: ${Object.keys(values).map((k) => `{${k}}`).join(', ')})`);
    return value;
  });
}
