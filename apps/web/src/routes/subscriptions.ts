// Subscribing from the dashboard (a form: CSRF token, rate limit) or the API (lab token), and the pages
// behind the signed links of the emails. Confirm and unsubscribe act on POST only: mail scanners fetch
// links with GET, and must neither confirm someone nor unsubscribe them. Those POSTs need no CSRF token:
// the HMAC in the link is the proof, and RFC 8058 one-click comes from mail providers without cookies.
// The pages behind links never show the subscriber's address: a link can leak (a forwarded email, a proxy's
// log), and whoever holds it must not learn who subscribed. Links expire (notify's LINK_LIFETIME_DAYS).
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import { InvalidSubscriptionError, LINK_LIFETIME_DAYS, describeFilter, type LinkOutcome, type NotifyService } from '@testlab/notify';
import { requireToken } from './trigger.js';

export interface SubscriptionRoutesOptions {
  notify: Pick<NotifyService, 'subscriptions' | 'templates'>;
  /** Enables POST /api/subscriptions (for `testlab subscribe`). */
  apiToken?: string;
  /** Requests per client address per window on the routes that send mail or change state. Default 10/min. */
  rateLimit?: { max: number; timeWindowMs: number };
  /** Mark the CSRF cookie Secure (the dashboard is served over https). */
  secureCookie?: boolean;
}

type Query = { s?: unknown; e?: unknown; t?: unknown };

export const subscriptionRoutes: FastifyPluginAsync<SubscriptionRoutesOptions> = async (app, options) => {
  const { subscriptions, templates } = options.notify;
  // Registered here, in this plugin's own context, so the rest of the dashboard is unaffected.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
  if (!app.hasDecorator('parseCookie')) await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/subscriptions', sameSite: 'strict', httpOnly: true, secure: options.secureCookie ?? false },
  });
  await app.register(rateLimit, { global: false });
  const limit = { rateLimit: { max: options.rateLimit?.max ?? 10, timeWindow: options.rateLimit?.timeWindowMs ?? 60_000 } };

  const page = (reply: FastifyReply, code: number, html: string) => reply.code(code).type('text/html; charset=utf-8').send(html);
  const message = (reply: FastifyReply, code: number, title: string, text: string) => page(reply, code, templates.page('message', { title, message: text }));
  const badLink = (reply: FastifyReply) =>
    message(reply, 403, 'Invalid link', 'This link is not valid: it was changed or cut short. Copy the whole link from the email.');
  const gone = (reply: FastifyReply) => message(reply, 410, 'Subscription gone', 'This subscription no longer exists or was ended.');
  const expired = (reply: FastifyReply) =>
    message(
      reply,
      410,
      'Link expired',
      `This link has expired (confirmation links work for ${LINK_LIFETIME_DAYS.confirm} days, unsubscribe links for ${LINK_LIFETIME_DAYS.unsubscribe}). Subscribe again, or use the unsubscribe link of a newer email.`,
    );
  const refused = (reply: FastifyReply, r: Extract<LinkOutcome, { ok: false }>) =>
    r.reason === 'invalid-link' ? badLink(reply) : r.reason === 'expired' ? expired(reply) : gone(reply);
  // The form posts back to the link it was reached by.
  const actionOf = (path: string, q: Query) => `${path}?${new URLSearchParams({ s: String(q.s), e: String(q.e), t: String(q.t) }).toString()}`;
  const blank = { email: '', streams: '', testsets: '', casePrefix: '', scope: 'regressions', cadence: 'immediate' };

  app.get('/subscriptions/new', async (_request, reply) => {
    const csrfToken = reply.generateCsrf();
    return page(reply, 200, templates.page('subscribe', { action: '/subscriptions', csrfToken, values: blank, errors: [] }));
  });

  // preHandler, not onRequest: the form's token is in the body, parsed only after onRequest.
  app.post('/subscriptions', { preHandler: app.csrfProtection, config: limit }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await subscriptions.subscribe(body);
    } catch (e) {
      if (!(e instanceof InvalidSubscriptionError)) throw e;
      const values = Object.fromEntries(Object.keys(blank).map((k) => [k, typeof body[k] === 'string' ? body[k] : '']));
      const csrfToken = reply.generateCsrf();
      return page(reply, 400, templates.page('subscribe', { action: '/subscriptions', csrfToken, values, errors: e.problems }));
    }
    // The same answer whatever the address: the page must not tell who is subscribed.
    return message(reply, 200, 'Check your mailbox', 'A confirmation email is on its way. Nothing else is sent until you follow its link.');
  });

  app.get<{ Querystring: Query }>('/subscriptions/confirm', { config: limit }, async (request, reply) => {
    const r = await subscriptions.lookup('confirm', request.query);
    if (!r.ok) return refused(reply, r);
    if (r.subscription.status === 'unsubscribed') return gone(reply);
    const question = `Confirm the subscription to ${describeFilter(r.subscription)}?`;
    return page(reply, 200, templates.page('link-action', { title: 'Confirm subscription', question, action: actionOf('/subscriptions/confirm', request.query), button: 'Confirm' }));
  });

  app.post<{ Querystring: Query }>('/subscriptions/confirm', { config: limit }, async (request, reply) => {
    const r = await subscriptions.confirm(request.query);
    if (!r.ok) return refused(reply, r);
    return message(reply, 200, 'Subscribed', `Subscribed: ${describeFilter(r.subscription)}.`);
  });

  app.get<{ Querystring: Query }>('/subscriptions/unsubscribe', { config: limit }, async (request, reply) => {
    const r = await subscriptions.lookup('unsubscribe', request.query);
    if (!r.ok) return refused(reply, r);
    const question = `Stop the emails about ${describeFilter(r.subscription)}?`;
    return page(reply, 200, templates.page('link-action', { title: 'Unsubscribe', question, action: actionOf('/subscriptions/unsubscribe', request.query), button: 'Unsubscribe' }));
  });

  // The form's button and RFC 8058 one-click (body `List-Unsubscribe=One-Click`) both land here.
  app.post<{ Querystring: Query }>('/subscriptions/unsubscribe', { config: limit }, async (request, reply) => {
    const r = await subscriptions.unsubscribe(request.query);
    if (!r.ok) return refused(reply, r);
    return message(reply, 200, 'Unsubscribed', 'No more emails for this subscription.');
  });

  if (options.apiToken) {
    const authenticated = requireToken(options.apiToken);
    app.post('/api/subscriptions', { preHandler: authenticated, config: limit }, async (request, reply) => {
      try {
        const { subscription: sub } = await subscriptions.subscribe(request.body ?? {});
        return reply.code(201).send({ id: sub.id, email: sub.email, status: sub.status, filter: describeFilter(sub) });
      } catch (e) {
        if (!(e instanceof InvalidSubscriptionError)) throw e;
        return reply.code(400).send({ error: e.message, problems: e.problems, statusCode: 400 });
      }
    });
  }
};
