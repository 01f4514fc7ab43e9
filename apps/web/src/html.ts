// Small helpers the page routes share.
import type { FastifyReply } from 'fastify';

export function sendPage(reply: FastifyReply, html: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(html);
}
