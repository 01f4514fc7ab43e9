// Opening the socket, separate from build() as fastify recommends. Loopback unless told otherwise: the
// dashboard has no login, so exposing it is an operator's explicit decision.
import type { FastifyInstance } from 'fastify';

export interface ListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
}

export async function listen(app: FastifyInstance, options: ListenOptions = {}): Promise<string> {
  return app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
}
