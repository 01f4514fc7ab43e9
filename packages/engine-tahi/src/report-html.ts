// Reading one page TAHI wrote (report.html, summary.html, index.html): bytes to text with the encoding
// checked, TAHI's closing checksum verified, then an htmlparser2 DOM and the text a browser would show.
// Pages come from outside the lab, so the parser's work is bounded: htmlparser2 keeps its open-tag stack
// with unshift (each open tag costs the depth), so size, tag count and nesting depth are all limited.
import { createHash } from 'node:crypto';
import { DomHandler, DomUtils, Parser } from 'htmlparser2';
import type { Document, Element, AnyNode } from 'domhandler';
import iconv from 'iconv-lite';
import { readRegularFile } from './plain-files.js';
import { TahiReportError } from './report-errors.js';

/** A report page is a few hundred KiB at most (nd.p2: 266 rows, 130 KiB), a test log less: 4 MiB is plenty. */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** Start and end tags in one page (nd.p2's report.html: about 5,000). */
export const MAX_TAGS = 200_000;
/** Open elements at once (TAHI's pages: about 10; a log's packet tables: a few more). */
export const MAX_DEPTH = 256;

export interface TahiPage {
  file: string;
  text: string;
  dom: Document;
  /** False when the page carries no `<!-- md5 -->` trailer (only pages of tools before REL_3 lack it). */
  checksummed: boolean;
}

// indexgen ends each page with `<!-- <md5 of everything before this line> -->`.
const TRAILER = /\n<!-- ([0-9a-f]{32}) -->\n?$/;

export async function readTahiPage(file: string, options: { requireChecksum?: boolean } = {}): Promise<TahiPage> {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, MAX_PAGE_BYTES);
  } catch (e) {
    if (e instanceof TahiReportError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new TahiReportError(file, code === 'ENOENT' ? 'missing' : `cannot be read (${code ?? (e as Error).message})`);
  }
  const text = decodePage(file, bytes);
  const trailer = TRAILER.exec(text);
  if (trailer) {
    const body = bytes.subarray(0, bytes.length - Buffer.byteLength(trailer[0]) + 1);
    const md5 = createHash('md5').update(body).digest('hex');
    if (md5 !== trailer[1]) {
      throw new TahiReportError(file, `checksum mismatch: TAHI wrote md5 ${trailer[1]}, the content has ${md5} (edited or partly written)`);
    }
  } else if (options.requireChecksum ?? true) {
    throw new TahiReportError(file, 'truncated: it does not end with the `<!-- md5 -->` line TAHI writes last');
  }
  return { file, text, dom: parseBoundedHtml(file, text), checksummed: trailer !== null };
}

/** An htmlparser2 DOM of `text`, or TahiReportError when the page has more tags or deeper nesting than allowed. */
export function parseBoundedHtml(file: string, text: string): Document {
  let tags = 0;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const c = text.charCodeAt(i + 1) | 0x20;
    if ((c >= 0x61 && c <= 0x7a) || c === 0x2f) tags++;
  }
  if (tags > MAX_TAGS) throw new TahiReportError(file, `${tags} tags, more than the ${MAX_TAGS} the lab parses in one page`);
  const handler = new BoundedHandler(file);
  new Parser(handler).end(text);
  return handler.root;
}

// The parser reports every element it opens and closes (implied closes too), so this depth is its stack's:
// throwing at the limit stops the parse before the stack grows further.
class BoundedHandler extends DomHandler {
  #depth = 0;
  constructor(private readonly file: string) {
    super();
  }
  override onopentag(name: string, attribs: Record<string, string>): void {
    if (++this.#depth > MAX_DEPTH) throw new TahiReportError(this.file, `tags nested deeper than ${MAX_DEPTH}: no TAHI page is (built to be slow to parse?)`);
    super.onopentag(name, attribs);
  }
  override onclosetag(): void {
    this.#depth--;
    super.onclosetag();
  }
}

/**
 * TAHI writes ASCII (titles come from the INDEX files). UTF-8 is accepted as is; a page that declares a
 * charset iconv-lite knows (a Japanese INDEX: EUC-JP, Shift_JIS) is decoded with it; anything else is an
 * error naming the first bad byte rather than text with replacement characters in the results.
 */
function decodePage(file: string, bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new TahiReportError(file, `binary data (NUL byte at offset ${nul}): not an HTML page (UTF-16?)`);
  const declared = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})/i.exec(bytes.subarray(0, 4096).toString('latin1'))?.[1];
  if (declared && !/^(utf-?8|us-ascii|ascii)$/i.test(declared)) {
    if (!iconv.encodingExists(declared)) throw new TahiReportError(file, `declares charset ${declared}, which the lab cannot decode`);
    return iconv.decode(bytes, declared);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    throw new TahiReportError(
      file,
      `not UTF-8 and no charset declared (invalid byte 0x${bytes[offset]?.toString(16).padStart(2, '0')} at offset ${offset}); convert it or add a <META charset>`,
    );
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  // In stream mode a prefix that ends inside a valid multi-byte sequence decodes; one holding a bad byte
  // does not: so "decodes" is monotonic in the prefix length and a binary search finds the first bad byte.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  // The decoder fails on the byte after an unfinished sequence: name the sequence's lead byte instead.
  for (let back = 1; back <= 3 && lo - back >= 0; back++) {
    const b = bytes[lo - back]!;
    if (b >= 0xc0) return lo - back;
    if ((b & 0xc0) !== 0x80) break;
  }
  return lo;
}

/**
 * The text a browser shows for a node: script and style contents dropped, entities decoded, whitespace
 * runs collapsed, control characters removed (they would be terminal escapes when printed).
 */
export function visibleText(node: AnyNode | AnyNode[]): string {
  const parts: string[] = [];
  const walk = (n: AnyNode) => {
    if (n.type === 'text') parts.push(n.data);
    else if (n.type === 'tag' || n.type === 'root') {
      const el = n as Element;
      if (n.type === 'tag' && (el.name === 'script' || el.name === 'style')) return;
      if (n.type === 'tag' && el.name === 'br') parts.push(' ');
      for (const c of el.children) walk(c);
    } else if (n.type === 'script' || n.type === 'style') {
      return;
    }
  };
  for (const n of Array.isArray(node) ? node : [node]) walk(n);
  return parts
    .join('')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const BLOCK = new Set(['p', 'div', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'hr', 'pre', 'dt', 'dd']);

/** Like visibleText, but lines stay lines (`<BR>`, paragraphs, rows, <PRE> text): for test logs. */
export function visibleLines(node: AnyNode | AnyNode[]): string {
  const parts: string[] = [];
  const walk = (n: AnyNode, pre: boolean) => {
    if (n.type === 'text') parts.push(pre ? n.data : n.data.replace(/\s+/g, ' '));
    else if (n.type === 'tag' || n.type === 'root') {
      const el = n as Element;
      const name = n.type === 'tag' ? el.name : '';
      if (name === 'head' || name === 'title') return; // the page title repeats the test's title
      if (name === 'br') return void parts.push('\n');
      if (BLOCK.has(name)) parts.push('\n');
      for (const c of el.children) walk(c, pre || name === 'pre');
      if (BLOCK.has(name)) parts.push('\n');
      else if (name === 'td' || name === 'th') parts.push(' ');
    }
  };
  for (const n of Array.isArray(node) ? node : [node]) walk(n, false);
  return parts
    .join('')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

export function elements(root: AnyNode | AnyNode[], name: string): Element[] {
  return DomUtils.getElementsByTagName(name, root, true);
}

/** Direct children of an element with this tag name (a row's cells, not cells of nested tables). */
export function childElements(el: Element, name: string): Element[] {
  return el.children.filter((c): c is Element => c.type === 'tag' && (c as Element).name === name);
}

export function attribute(el: Element, name: string): string | undefined {
  return el.attribs[name.toLowerCase()];
}
