// An HTTP server on 127.0.0.1 for download tests (here, in the watcher and in kernel-sources): routes that
// fail first, cut their body, or answer Range requests as kernel.org's CDN does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

type Cleanup = { after(fn: () => Promise<void>): void };

/** What a route answers; `failFirst` makes it answer 503 that many times first. */
export interface Route {
  body: Buffer | string;
  /** Stream this file instead of `body` (a 135 MiB tarball does not belong in memory). */
  file?: string;
  type?: string;
  failFirst?: number;
  /** Announce the full length, send this many bytes, then cut the connection... */
  truncateAt?: number;
  /** ...on the first this many requests only (default: every time). */
  truncateTimes?: number;
  /** Answer `Range: bytes=N-` with 206 and the rest, as kernel.org's CDN does. */
  ranges?: boolean;
  status?: number;
  /** Send the body chunked, without Content-Length (the size shows only as it arrives). */
  chunked?: boolean;
}

export interface TestServer {
  base: string;
  routes: Map<string, Route>;
  hits: Map<string, number>;
  /** `<path> <Range header>` of every request that had one. */
  rangeRequests: string[];
  close(): Promise<void>;
}

/** node:http on 127.0.0.1 with an ephemeral port, closed when the test ends. */
export async function startServer(t: Cleanup): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const rangeRequests: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const n = (hits.get(url) ?? 0) + 1;
    hits.set(url, n);
    const route = routes.get(url);
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    if (route.failFirst !== undefined && n <= route.failFirst) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
      return;
    }
    if (route.file !== undefined) {
      const file = route.file;
      void stat(file).then(({ size }) => {
        res.writeHead(200, { 'content-type': route.type ?? 'application/octet-stream', 'content-length': String(size) });
        createReadStream(file).pipe(res);
      });
      return;
    }
    const body = typeof route.body === 'string' ? Buffer.from(route.body) : route.body;
    const range = /^bytes=([0-9]+)-$/.exec(req.headers.range ?? '');
    if (req.headers.range) rangeRequests.push(`${url} ${req.headers.range}`);
    if (route.ranges && range) {
      const start = Number(range[1]);
      res.writeHead(206, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'content-length': String(body.length - start) });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/octet-stream', ...(route.chunked ? {} : { 'content-length': String(body.length) }) });
    if (route.truncateAt !== undefined && n <= (route.truncateTimes ?? Infinity)) {
      // The cut comes a moment after the bytes, as on a real connection where data flowed for a while: cut at
      // once, the client can see the end before reading any of them (undici drops what it had queued).
      res.write(body.subarray(0, route.truncateAt), () => setTimeout(() => res.destroy(), 200));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  t.after(close);
  return { base: `http://127.0.0.1:${address.port}`, routes, hits, rangeRequests, close };
}
