// Link driver for QEMU's `-netdev dgram`: each Ethernet frame of the NUT's NIC travels as one
// UDP datagram between 127.0.0.1:nutPort (QEMU) and 127.0.0.1:testerPort (us).
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Link, LinkEndpoint } from '@testlab/core';

export type UdpEthernetEndpoint = Extract<LinkEndpoint, { kind: 'udp-ethernet' }>;

const LOOPBACK = '127.0.0.1';

/** Milliseconds since the epoch with sub-millisecond precision, for capture timestamps. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export class UdpEthernetLink implements Link {
  private readonly listeners = new Set<(frame: Uint8Array, atMs: number) => void>();
  private closed: Promise<void> | undefined;

  private constructor(
    readonly name: string,
    readonly endpoint: UdpEthernetEndpoint,
    private readonly socket: Socket,
  ) {
    socket.on('message', (msg, rinfo) => this.deliver(msg, rinfo));
    // Once bound, socket errors only concern single datagrams (send reports its own); an
    // unhandled 'error' event would kill the whole lab process.
    socket.on('error', () => {});
  }

  /** Binds 127.0.0.1:testerPort; rejects (e.g. EADDRINUSE) with the link named in the message. */
  static open(name: string, endpoint: UdpEthernetEndpoint): Promise<UdpEthernetLink> {
    const socket = createSocket({ type: 'udp4' });
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        socket.close();
        reject(new Error(`${name}: cannot bind ${LOOPBACK}:${endpoint.testerPort}: ${err.message}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.bind(endpoint.testerPort, LOOPBACK, () => {
        socket.off('error', onError);
        resolve(new UdpEthernetLink(name, endpoint, socket));
      });
    });
  }

  private deliver(msg: Buffer, rinfo: RemoteInfo): void {
    // Anything else on loopback (a stray tool, another NUT's misconfigured port) is not our link.
    if (rinfo.address !== LOOPBACK || rinfo.port !== this.endpoint.nutPort) return;
    const atMs = nowMs();
    const frame = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    // A snapshot, so listeners may unsubscribe while being called.
    for (const listener of [...this.listeners]) {
      try {
        listener(frame, atMs);
      } catch (err) {
        // Every listener still gets the frame; the failure surfaces as an uncaught exception,
        // as it would from any event emitter.
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }

  send(frame: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.name}: link is closed`));
    return new Promise((resolve, reject) => {
      this.socket.send(frame, this.endpoint.nutPort, LOOPBACK, (err) => {
        if (err) reject(new Error(`${this.name}: sending a ${frame.length}-byte frame failed: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  onFrame(listener: (frame: Uint8Array, atMs: number) => void): () => void {
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const entry = (frame: Uint8Array, atMs: number) => listener(frame, atMs);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Releases the port; safe to call twice. */
  close(): Promise<void> {
    this.closed ??= new Promise((resolve) => {
      this.listeners.clear();
      this.socket.close(() => resolve());
    });
    return this.closed;
  }
}

export function openUdpEthernetLink(name: string, endpoint: UdpEthernetEndpoint): Promise<Link> {
  return UdpEthernetLink.open(name, endpoint);
}
