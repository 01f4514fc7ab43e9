// Reads TAHI Self_Test INDEX files (kept in testsets/tahi-index/, copied unmodified from Self_Test 5.0.7)
// into the Ready Logo case ids they list, in autorun order: `v6LC.2.1.7-A` for a part row under the heading
// `Test v6LC.2.1.7: ...`, `v6LC.3.1.1` for a test with a single row. A test set names INDEX files; coverage
// compares their ids with what an engine implements.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface IndexCase {
  /** `v6LC.2.1.7-A`, or `v6LC.3.1.1` for a test without parts. */
  id: string;
  /** `Invalid Neighbor Solicitation Handling: Part A: Invalid Target Address`, as the INDEX words it. */
  title: string;
  /** `v6LC.2.1`: the group the coverage report counts by. */
  group: string;
  /** The INDEX file it came from, relative to the index folder. */
  file: string;
}

const HEADING = /(?:Test\s+)?v6LC\.(\d+\.\d+\.\d+)\s*:\s*(.*)$|^(\d+\.\d+\.\d+)\s*:\s*(.*)$/;
const PART = /^Part\s+([A-Z])\b[^:]*:\s*(.*)$/;

/** HTML text of a description or heading, as a person reads it. */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#58;/g, ':')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The case ids of one INDEX file's text. Skipped rows (`&#`) and setup rows before any test heading are not cases. */
export function parseIndex(text: string, file: string): IndexCase[] {
  const out: IndexCase[] = [];
  let test: { id: string; title: string; rows: Array<{ letter?: string; title: string }> } | undefined;
  const flush = () => {
    if (!test) return;
    const parts = test.rows.filter((r) => r.letter !== undefined);
    const group = test.id.split('.').slice(0, 3).join('.');
    if (parts.length === 0 && test.rows.length > 0) out.push({ id: test.id, title: test.title, group, file });
    for (const p of parts) {
      const id = `${test.id}-${p.letter}`;
      // "Part A,1" and "Part A,2" (v6LC.2.2.15) are one id with two rows.
      if (!out.some((c) => c.id === id)) out.push({ id, title: `${test.title}: Part ${p.letter}: ${p.title}`, group, file });
    }
    test = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('&#') || line.startsWith('&pause:')) continue;
    if (line.startsWith('&print:')) {
      const heading = plainText(line.slice('&print:'.length));
      const m = HEADING.exec(heading);
      if (m) {
        flush();
        test = { id: `v6LC.${m[1] ?? m[3]}`, title: (m[2] ?? m[4] ?? '').trim(), rows: [] };
      } else if (/^Group\s/i.test(heading)) {
        flush();
      }
      continue;
    }
    const fields = line.split(':');
    if (fields.length < 5 || !test) continue;
    const desc = plainText(fields[4] ?? '');
    if (/^Initiali[sz]/i.test(desc)) continue;
    const part = PART.exec(desc);
    test.rows.push(part ? { letter: part[1]!, title: part[2]!.trim() } : { title: desc });
  }
  flush();
  return out;
}

/** Every case id of the INDEX files, in the order given (autorun's order), each id once. */
export async function readIndexFiles(indexDir: string, files: readonly string[]): Promise<IndexCase[]> {
  const all: IndexCase[] = [];
  for (const file of files) {
    if (!/^[a-z0-9]+\.p2\/INDEX_[A-Za-z0-9_]+$/.test(file)) throw new Error(`INDEX file ${JSON.stringify(file)}: expected <section>.p2/INDEX_<name>`);
    const text = await readFile(path.join(indexDir, file), 'latin1').catch(() => {
      throw new Error(`INDEX file ${file} not found under ${indexDir}`);
    });
    for (const c of parseIndex(text, file)) if (!all.some((x) => x.id === c.id)) all.push(c);
  }
  return all;
}
