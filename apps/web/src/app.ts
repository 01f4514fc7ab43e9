// The dashboard and JSON API as a fastify instance. build() only assembles (tests use app.inject());
// listen() in server.ts opens the socket.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import type { BisectionStore, LabStore, ResultsQuery } from '@testlab/core';
import type { WebContext } from './context.js';
import { pageCache } from './http-cache.js';
import { routes } from './routes/index.js';
import { redactedRequest } from './log-redaction.js';
import { loadViews, viewsDir, type Views } from './views.js';

export interface BuildOptions {
  results: ResultsQuery;
  store: LabStore;
  bisections: BisectionStore;
  runsDir: string;
  /** Where the lab-files routes keep what workers on other hosts upload; default `<runsDir>/../received`. */
  receivedDir?: string;
  publicUrl?: string;
  views?: Views;
  logger?: FastifyServerOptions['logger'];
  /**
   * Route plugins wired by the app that starts the server, with options of their own (the trigger API
   * needs the lab token and the queue): registered after the built-in routes.
   */
  extraRoutes?: { plugin: FastifyPluginAsync<any>; options: object }[];
  /** Starting bisections on the lab (routes/bisection-requests.ts): a lab config with an API token gives it. */
  bisect?: WebContext['bisect'];
}

// No script runs on any page (everything works without JavaScript), so the policy forbids all of it;
// SVG charts are inline markup, styles come from our one stylesheet.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The request log never holds query values (signed link tokens): see log-redaction.ts. */
function withRedaction(logger: BuildOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { ...options.serializers, req: redactedRequest } };
}

export function build(options: BuildOptions): FastifyInstance {
  const app = Fastify({ logger: withRedaction(options.logger), trustProxy: false });
  const context: WebContext = {
    results: options.results,
    store: options.store,
    bisections: options.bisections,
    views: options.views ?? loadViews(),
    cache: pageCache(options.results),
    runsDir: path.resolve(options.runsDir),
    receivedDir: path.resolve(options.receivedDir ?? path.join(options.runsDir, '..', 'received')),
    publicUrl: (options.publicUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    ...(options.bisect !== undefined ? { bisect: options.bisect } : {}),
  };

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error(error);
    // A 500 says nothing about internals; a 4xx says exactly what was wrong with the request.
    const message = status >= 500 ? 'internal error (see the lab log)' : error.message;
    if (request.url.startsWith('/api/')) return reply.status(status).send({ error: message, statusCode: status });
    return reply.status(status).type('text/html; charset=utf-8').send(context.views.page('error', `Error ${status}`, { status, message }));
  });
  app.setNotFoundHandler((request, reply) => {
    const message = `no page at ${request.url.slice(0, 200)}`;
    if (request.url.startsWith('/api/')) return reply.status(404).send({ error: message, statusCode: 404 });
    return reply.status(404).type('text/html; charset=utf-8').send(context.views.page('error', 'Not found', { status: 404, message }));
  });

  const css = readFileSync(path.join(viewsDir, '../static/style.css'));
  app.get('/static/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css));

  for (const route of routes) app.register(route, { context });
  for (const extra of options.extraRoutes ?? []) app.register(extra.plugin, extra.options);
  return app;
}
