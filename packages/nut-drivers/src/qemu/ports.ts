// Free local ports, found by binding port 0 and releasing. Every socket is held until all are allocated,
// so the ports of one VM are distinct; another process may still take one before QEMU binds it, which the
// driver handles by retrying the start.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

async function tcpPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('TCP listen gave no port');
  return { port: address.port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function udpPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: '127.0.0.1', port: 0, exclusive: true }, resolve);
  });
  return { port: socket.address().port, release: () => new Promise((resolve) => socket.close(() => resolve())) };
}

export async function allocatePorts(tcpCount: number, udpCount: number): Promise<{ tcp: number[]; udp: number[] }> {
  const held: { port: number; release: () => Promise<void> }[] = [];
  try {
    for (let i = 0; i < tcpCount; i++) held.push(await tcpPort());
    for (let i = 0; i < udpCount; i++) held.push(await udpPort());
  } finally {
    await Promise.all(held.map((h) => h.release()));
  }
  const ports = held.map((h) => h.port);
  return { tcp: ports.slice(0, tcpCount), udp: ports.slice(tcpCount) };
}
