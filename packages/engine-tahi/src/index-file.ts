// TAHI INDEX files (`seq:def:opt:doc:desc:links` lines, `&print:` headings, `&#` skipped lines), the one
// reader of them in the lab: the TAHI engine reads the tester's copies before a run (so progress can say
// "test 12 of 67: <title>" while autorun works), and coverage reads the copies in testsets/tahi-index/
// (unmodified from Self_Test 5.0.7 and IPsec_Self_Test_P2 1.11.1) as Ready Logo case ids: `v6LC.2.1.7-A`
// for a part row under the heading `Test v6LC.2.1.7: ...`, `v6LC.3.1.1` for a test with a single row, and
// IPsec ids from the row itself (see ipsecCaseOf).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeHTML } from 'entities';

export interface IndexTest {
  /** 1..N across all INDEX files of one autorun call (skipped lines count, headings do not). */
  no: number;
  /** The INDEX file it is listed in, as named to the parser. */
  file: string;
  script: string;
  packet: string;
  options: string;
  /** Description as written (may hold HTML and `&#58;`). */
  description: string;
  links: number;
  /** A `&#` line: listed in the report as SKIP, not run. */
  skipped: boolean;
  /** The `&print:` heading above it, as written. */
  heading: string | null;
}

export class IndexFileError extends Error {
  override name = 'IndexFileError';
}

/** HTML text of a description or heading, as a person reads it (INDEX files write `:` as `&#58;`). */
export function plainText(html: string): string {
  // Only real tags (a name after `<`): v6LC.2.2.7-A's title has a bare "<=" ("MinRtrAdvInterval <= interval").
  return decodeHTML(html.replace(/<\/?[A-Za-z][^>]*>/g, '')).replace(/\s+/g, ' ').trim();
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
      tests.push({ no: tests.length + 1, file: name, script, packet, options, description: description || script, links: n, skipped, heading });
    }
  }
  return tests;
}

export interface IndexCase {
  /** `v6LC.2.1.7-A`, or `v6LC.3.1.1` for a test without parts. */
  id: string;
  /** `Invalid Neighbor Solicitation Handling: Part A: Invalid Target Address`, as the INDEX words it. */
  title: string;
  /** `v6LC.2.1`: the group the coverage report counts by. */
  group: string;
  /** The INDEX file it came from, relative to the index folder. */
  file: string;
  /** TAHI's `test_type=ADVANCED support=X`: the optional feature the test needs (IPsec tests). */
  requires?: string;
}

const IPSEC_ROW = /^([56]\.[0-9]{1,2}\.[0-9]{1,2})\s+(.*)$/;
const IPSEC_PART_ROW = /^\(([a-z])\)\s+(.*)$/;
/** The first heading of INDEX_P2_HOST_UDP and INDEX_P2_SGW_UDP: their rows repeat the ICMP files' ids. */
const UDP_VARIANT = /^Initiali[sz]e for using UDP/i;

/**
 * IPsec_Self_Test_P2 names a test in the row's description (`5.1.1 Select SPD, ESP=...`) or, for a test
 * with parts, in the heading above `(a) ...` / `(b) ...` rows: `IPsec.5.1.1`, `IPsec.5.1.5-a`. The UDP
 * files list the same tests again over UDP; their ids end in `-udp` (`IPsec.5.1.5-a-udp`) and their titles
 * in ` (UDP)`. engine-tahi's report parser names rows by the same rule (result-table.ts).
 */
export function ipsecCaseOf(description: string, heading: string | null, udp: boolean): { id: string; title: string } | undefined {
  const suffix = udp ? '-udp' : '';
  const tail = udp ? ' (UDP)' : '';
  const row = IPSEC_ROW.exec(description);
  if (row) return { id: `IPsec.${row[1]}${suffix}`, title: `${row[2]!.trim()}${tail}` };
  const part = IPSEC_PART_ROW.exec(description);
  const head = heading === null ? null : IPSEC_ROW.exec(heading);
  if (part && head) return { id: `IPsec.${head[1]}-${part[1]}${suffix}`, title: `${head[2]!.trim()}: (${part[1]}) ${part[2]!.trim()}${tail}` };
  return undefined;
}

/** Whether `heading` (an INDEX file's first) marks the UDP repetition of an IPsec file. */
export const isUdpVariantHeading = (heading: string | null): boolean => heading !== null && UDP_VARIANT.test(plainText(heading));

const HEADING = /(?:Test\s+)?v6LC\.(\d+\.\d+\.\d+)\s*:\s*(.*)$|^(\d+\.\d+\.\d+)\s*:\s*(.*)$/;
const PART = /^Part\s+([A-Z])\b[^:]*:\s*(.*)$/;

/**
 * The Ready Logo case ids of INDEX test lines, each once. Skipped lines (`&#`), setup rows ("Initialization")
 * and rows before any test heading are not cases; "Part A,1" and "Part A,2" (v6LC.2.2.15) are one id.
 */
export function readyLogoCases(tests: readonly IndexTest[]): IndexCase[] {
  const out: IndexCase[] = [];
  const seen = new Set<string>();
  const add = (c: IndexCase) => {
    if (seen.has(c.id)) return;
    seen.add(c.id);
    out.push(c);
  };
  let current: { id: string; title: string; rows: { letter?: string; title: string; file: string }[] } | undefined;
  let lastHeading: string | null | undefined;
  // IPsec: a file is a UDP variant when its first heading says so.
  const udpFiles = new Set<string>();
  for (const t of tests) if (!tests.some((u) => u.file === t.file && u.no < t.no) && isUdpVariantHeading(t.heading)) udpFiles.add(t.file);
  const flush = () => {
    if (!current) return;
    const group = current.id.split('.').slice(0, 3).join('.');
    const parts = current.rows.filter((r) => r.letter !== undefined);
    if (parts.length === 0 && current.rows.length > 0) add({ id: current.id, title: current.title, group, file: current.rows[0]!.file });
    for (const p of parts) add({ id: `${current.id}-${p.letter}`, title: `${current.title}: Part ${p.letter}: ${p.title}`, group, file: p.file });
    current = undefined;
  };
  for (const t of tests) {
    const ipsec = t.skipped ? undefined : ipsecCaseOf(plainText(t.description), t.heading === null ? null : plainText(t.heading), udpFiles.has(t.file));
    if (ipsec) {
      const advanced = /\btest_type=ADVANCED\b/.test(t.options) ? /\bsupport=(\S+)/.exec(t.options)?.[1] : undefined;
      add({ ...ipsec, group: ipsec.id.split(/[.-]/).slice(0, 3).join('.'), file: t.file, ...(advanced ? { requires: advanced } : {}) });
      continue;
    }
    if (t.heading !== lastHeading && t.heading !== null) {
      lastHeading = t.heading;
      // A test's heading opens it and a "Group" heading closes it; other headings (sub-titles) do neither.
      const text = plainText(t.heading);
      const m = HEADING.exec(text);
      if (m) {
        flush();
        current = { id: `v6LC.${m[1] ?? m[3]}`, title: (m[2] ?? m[4] ?? '').trim(), rows: [] };
      } else if (/^Group\s/i.test(text)) {
        flush();
      }
    }
    if (!current || t.skipped) continue;
    const desc = plainText(t.description);
    if (/^Initiali[sz]/i.test(desc)) continue;
    const part = PART.exec(desc);
    current.rows.push(part ? { letter: part[1]!, title: part[2]!.trim(), file: t.file } : { title: desc, file: t.file });
  }
  flush();
  return out;
}

/** Every Ready Logo case id of the INDEX files under `indexDir`, in the order given (autorun's order). */
export async function readIndexFiles(indexDir: string, files: readonly string[]): Promise<IndexCase[]> {
  const texts: { name: string; text: string }[] = [];
  for (const file of files) {
    if (!/^[a-z0-9]+\.p2\/INDEX_[A-Za-z0-9_]+$/.test(file)) throw new IndexFileError(`INDEX file ${JSON.stringify(file)}: expected <section>.p2/INDEX_<name>`);
    const text = await readFile(path.join(indexDir, file), 'latin1').catch(() => {
      throw new IndexFileError(`INDEX file ${file} not found under ${indexDir}`);
    });
    texts.push({ name: file, text });
  }
  return readyLogoCases(parseIndexFiles(texts));
}
