// Server-side rendering with Handlebars: every {{value}} is HTML-escaped by Handlebars itself. The only
// triple-stash ({{{body}}}) in the templates inserts a page Handlebars has already rendered and escaped.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Verdict } from '@testlab/core';

/** apps/web/views, from apps/web/dist/src (compiled) or apps/web/src (never run, but harmless). */
export const viewsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views');

export interface Views {
  /** A page inside the layout; `title` is the document title. */
  page(name: string, title: string, data: object): string;
  /** A template on its own (the Atom feed). */
  bare(name: string, data: object): string;
}

export function loadViews(dir: string = viewsDir): Views {
  const hbs = Handlebars.create();
  registerHelpers(hbs);
  const partials = path.join(dir, 'partials');
  for (const f of readdirSync(partials)) {
    if (f.endsWith('.hbs')) hbs.registerPartial(f.slice(0, -4), readFileSync(path.join(partials, f), 'utf8'));
  }
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.hbs')) continue;
    templates.set(f.slice(0, -4), hbs.compile(readFileSync(path.join(dir, f), 'utf8'), { preventIndent: true }));
  }
  const get = (name: string) => {
    const t = templates.get(name);
    if (!t) throw new Error(`no view ${name}.hbs in ${dir}`);
    return t;
  };
  const layout = get('layout');
  return {
    page: (name, title, data) => layout({ title, body: get(name)(data) }),
    bare: (name, data) => get(name)(data),
  };
}

const VERDICT_CLASS: Record<Verdict, string> = { PASS: 'pass', FAIL: 'fail', WARN: 'warn', NA: 'na', ERROR: 'error' };

function registerHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hbs.registerHelper('verdictClass', (v: unknown) => (typeof v === 'string' && v in VERDICT_CLASS ? VERDICT_CLASS[v as Verdict] : 'none'));
  hbs.registerHelper('ms', (v: unknown) => (typeof v === 'number' ? formatMs(v) : ''));
  hbs.registerHelper('bytes', (v: unknown) => (typeof v === 'number' ? formatBytes(v) : ''));
  // URL components: Handlebars escapes HTML, not URLs; a case id with '/' or '?' must stay one segment.
  hbs.registerHelper('uri', (v: unknown) => encodeURIComponent(String(v ?? '')));
  // A commit as people quote it; the whole id stays in the page's title attributes and the JSON.
  hbs.registerHelper('short', (v: unknown) => (typeof v === 'string' ? v.slice(0, 12) : ''));
  hbs.registerHelper('json', (v: unknown) => JSON.stringify(v, null, 2));
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
