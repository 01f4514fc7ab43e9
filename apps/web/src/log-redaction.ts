// What the dashboard's request log may say about a request. Confirm and unsubscribe links carry signed
// tokens in their query strings, and logs are read by more people than mailboxes: every query value is
// replaced, the path and the parameter names stay (enough to tell which page was asked for).
import type { FastifyRequest } from 'fastify';

export function redactQuery(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .map((pair) => `${pair.split('=')[0]!.slice(0, 40)}=(redacted)`);
  return `${url.slice(0, q)}?${names.join('&')}`;
}

/** pino's `req` serializer: fastify's default fields, the URL redacted. */
export function redactedRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactQuery(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
