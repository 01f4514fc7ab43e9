// Handlebars templates of the emails and the subscription pages, from packages/notify/templates/. HTML
// templates escape every value ({{x}}); text templates do not, since a text body is not markup.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

/** dist/src/ -> the package root's templates/ (tsc does not copy them; they are read in place). */
export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates');

export type EmailTemplate = 'confirm' | 'run' | 'digest' | 'bisection';
export type PageTemplate = 'subscribe' | 'link-action' | 'message';

type Render = (data: object) => string;

function load(dir: string, hb: typeof Handlebars, options: CompileOptions, suffix: string): Map<string, Render> {
  const out = new Map<string, Render>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(`${suffix}.hbs`)) continue;
    // strict: a misspelt field is an error when rendering, not a silently empty line in a sent email.
    out.set(file.slice(0, -'.hbs'.length), hb.compile(readFileSync(path.join(dir, file), 'utf8'), { ...options, strict: true }));
  }
  return out;
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];

function engine(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hb;
}

export class Templates {
  readonly #email: Map<string, Render>;
  readonly #pages: Map<string, Render>;

  constructor(dir: string = TEMPLATES_DIR) {
    const html = engine();
    const text = engine();
    // Partials must exist before the templates using them are first rendered; strict mode would fail
    // on a missing one. Registered as source so each engine compiles them with its own escaping.
    html.registerPartial('footer', readFileSync(path.join(dir, 'email/footer.html.hbs'), 'utf8'));
    html.registerPartial('layout', readFileSync(path.join(dir, 'pages/layout.html.hbs'), 'utf8'));
    this.#email = new Map([...load(path.join(dir, 'email'), html, {}, '.html'), ...load(path.join(dir, 'email'), text, { noEscape: true }, '.txt')]);
    this.#pages = load(path.join(dir, 'pages'), html, {}, '.html');
  }

  email(name: EmailTemplate, data: object): { text: string; html: string } {
    return { text: tidyText(this.#get(this.#email, `${name}.txt`)(data)), html: this.#get(this.#email, `${name}.html`)(data) };
  }

  page(name: PageTemplate, data: object): string {
    return this.#get(this.#pages, `${name}.html`)(data);
  }

  #get(map: Map<string, Render>, key: string): Render {
    const t = map.get(key);
    if (!t) throw new Error(`template ${key}.hbs is missing from ${TEMPLATES_DIR}`);
    return t;
  }
}

/** Block helpers leave blank lines behind; more than one in a row reads as noise in a mail client. */
function tidyText(s: string): string {
  return `${s.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
