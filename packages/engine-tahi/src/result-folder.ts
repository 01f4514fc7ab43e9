// A finished TAHI result folder: one section's report, or a suite's folder holding a subfolder per section
// (Self_Test/spec.p2, nd.p2, ...), read in the order the make targets walk them.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { TahiReportError } from './report-errors.js';
import { isSectionFolder, parseSectionReport, type SectionReport } from './section-report.js';

/** The order `make ipv6ready_p2_host` walks the Core sections; other folders follow by name. */
export const SECTION_ORDER: readonly string[] = ['spec.p2', 'nd.p2', 'addr.p2', 'pmtu.p2', 'icmp.p2', 'ipsec.p2'];

export async function parseResultFolder(dir: string): Promise<SectionReport[]> {
  const out: SectionReport[] = [];
  for (const section of await sectionFolders(dir)) out.push(await parseSectionReport(section));
  return out;
}

/** The section folders of a result folder, in the order the make targets walk them: `dir` itself when it is one. */
export async function sectionFolders(dir: string): Promise<string[]> {
  if (isSectionFolder(dir)) return [dir];
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new TahiReportError(dir, e.code === 'ENOENT' ? 'no such folder' : `cannot be listed (${e.code ?? e.message})`);
  });
  const sections = entries
    .filter((e) => e.isDirectory() && isSectionFolder(path.join(dir, e.name)))
    .map((e) => e.name)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (sections.length === 0) {
    throw new TahiReportError(dir, 'no TAHI report here: expected report.html or index.html, or section subfolders (spec.p2, nd.p2, ...) holding them');
  }
  return sections.map((name) => path.join(dir, name));
}

function rank(name: string): number {
  const i = SECTION_ORDER.indexOf(name);
  return i === -1 ? SECTION_ORDER.length : i;
}
