// TAHI INDEX files (`seq:def:opt:doc:desc:links` lines, `&print:` headings, `&#` skipped lines): read on the
// tester before a run, so progress can say "test 12 of 67: <title>" while autorun works.
export interface IndexTest {
  /** 1..N across all INDEX files of one autorun call (skipped lines count, headings do not). */
  no: number;
  script: string;
  packet: string;
  options: string;
  /** Description as written (may hold HTML and `&#58;`). */
  description: string;
  links: number;
  /** A `&#` line: listed in the report as SKIP, not run. */
  skipped: boolean;
  heading: string | null;
}

export interface IndexEntry {
  kind: 'print' | 'pause';
  text: string;
}

export class IndexFileError extends Error {
  override name = 'IndexFileError';
}

/** The test lines of INDEX files read in autorun's order. */
export function parseIndexFiles(files: readonly { name: string; text: string }[]): IndexTest[] {
  const tests: IndexTest[] = [];
  let heading: string | null = null;
  for (const { name, text } of files) {
    for (const [i, raw] of text.split(/\r?\n/).entries()) {
      const line = raw.trim();
      if (line === '' || (line.startsWith('#') && !line.startsWith('&#'))) continue;
      if (line.startsWith('&print:')) {
        heading = line.slice('&print:'.length);
        continue;
      }
      if (line.startsWith('&pause:')) continue;
      const skipped = line.startsWith('&#');
      const fields = (skipped ? line.slice(2) : line).split(':');
      if (fields.length < 5 || fields.length > 6) throw new IndexFileError(`${name} line ${i + 1}: ${fields.length} fields, expected seq:def:opt:doc:desc[:links]`);
      const [script, packet, options, , description, links] = fields as [string, string, string, string, string, string?];
      const n = links === undefined || links === '' ? 1 : Number(links);
      if (!Number.isInteger(n) || n < 1 || n > 8) throw new IndexFileError(`${name} line ${i + 1}: links "${links}" is not 1..8`);
      tests.push({ no: tests.length + 1, script, packet, options, description: description || script, links: n, skipped, heading });
    }
  }
  return tests;
}
