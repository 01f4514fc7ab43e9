// A TCP forwarder in front of a test database that can be cut and restored: what a lab process sees when the
// database host restarts or the network between them goes (connections reset, new ones refused), for the
// tests of what labd does then. Real sockets, a real server behind.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface OutageProxy {
  /** The database's URL through the proxy. */
  url: string;
  /** Resets every connection and refuses new ones until restore(). */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function outageProxy(target: string, options: { startCut?: boolean } = {}): Promise<OutageProxy> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve, reject) => {
    const s = createServer((socket) => {
      const upstream = connect(Number(to.port), to.hostname);
      for (const x of [socket, upstream]) {
        sockets.add(x);
        x.on('close', () => sockets.delete(x));
        x.on('error', () => (x === socket ? upstream : socket).destroy());
      }
      socket.pipe(upstream).pipe(socket);
    });
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      port = (s.address() as { port: number }).port;
      server = s;
      resolve();
    });
  });
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const x of sockets) x.resetAndDestroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  if (options.startCut) await cut();
  const url = new URL(target);
  url.port = String(port);
  return { url: url.toString(), cut, restore: () => (server ? Promise.resolve() : listen()), close: cut };
}
