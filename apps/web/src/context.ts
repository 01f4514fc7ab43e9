// What every route module gets: the stores, the views, and where the lab's run folders are.
import type { FastifyPluginAsync } from 'fastify';
import type { BisectionStore, LabStore, ResultsQuery } from '@testlab/core';
import type { PageCache } from './http-cache.js';
import type { Views } from './views.js';
import type { StartLabBisection } from './routes/bisection-requests.js';

export interface WebContext {
  results: ResultsQuery;
  store: LabStore;
  bisections: BisectionStore;
  views: Views;
  /** Pages kept by validator, and the store's change stamp (http-cache.ts). */
  cache: PageCache;
  /** The lab's runs folder: no file outside it is ever served, whatever the database says. */
  runsDir: string;
  /** Files workers on other hosts uploaded (lab-files routes): a run made elsewhere is served from here. */
  receivedDir?: string;
  /** Absolute base URL for links that leave the page (Atom feed ids and links), no trailing slash. */
  publicUrl: string;
  /**
   * Starting bisections (POST /api/bisections, with the lab token): only a dashboard started from a lab config
   * with an API token has it (lab-wiring.ts); without it the route is not served.
   */
  bisect?: { token: string; start: StartLabBisection };
}

/** A route module: a fastify plugin that receives the context as its options. */
export type WebRoute = FastifyPluginAsync<{ context: WebContext }>;
