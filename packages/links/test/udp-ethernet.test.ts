import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import type { Link } from '@testlab/core';
import { openLink } from '../src/index.js';

/** A socket bound to a kernel-chosen loopback port, standing in for QEMU's end of the link. */
async function fakeNut(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { socket, port: socket.address().port };
}

/** A port that was free a moment ago (the kernel does not reuse it immediately). */
async function freePort(): Promise<number> {
  const { socket, port } = await fakeNut();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function nextFrame(link: Link): Promise<{ frame: Uint8Array; atMs: number }> {
  return new Promise((resolve) => {
    const off = link.onFrame((frame, atMs) => {
      off();
      resolve({ frame, atMs });
    });
  });
}

function sendFrom(socket: Socket, bytes: Uint8Array, port: number): Promise<void> {
  return new Promise((resolve, reject) => socket.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
}

test('frames travel both ways, one per datagram', async (t) => {
  const nut = await fakeNut();
  const testerPort = await freePort();
  const link = await openLink('Link0', { kind: 'udp-ethernet', testerPort, nutPort: nut.port });
  t.after(async () => {
    await link.close();
    nut.socket.close();
  });
  assert.equal(link.name, 'Link0');

  const received = once(nut.socket, 'message');
  const outgoing = Uint8Array.from({ length: 62 }, (_, i) => i);
  await link.send(outgoing);
  const [msg, rinfo] = (await received) as [Buffer, { address: string; port: number }];
  assert.deepEqual(new Uint8Array(msg), outgoing);
  assert.deepEqual([rinfo.address, rinfo.port], ['127.0.0.1', testerPort]);

  const before = Date.now();
  const incoming = nextFrame(link);
  await sendFrom(nut.socket, Uint8Array.of(0x33, 0x33, 0, 0, 0, 1), testerPort);
  const { frame, atMs } = await incoming;
  assert.deepEqual(frame, Uint8Array.of(0x33, 0x33, 0, 0, 0, 1));
  assert.ok(frame instanceof Uint8Array);
  assert.ok(atMs >= before - 1 && atMs <= Date.now() + 1, `timestamp ${atMs} is now-ish`);
});

test('every listener gets every frame, in order, until it unsubscribes', async (t) => {
  const nut = await fakeNut();
  const testerPort = await freePort();
  const link = await openLink('Link1', { kind: 'udp-ethernet', testerPort, nutPort: nut.port });
  t.after(async () => {
    await link.close();
    nut.socket.close();
  });
  const first: number[] = [];
  const second: number[] = [];
  const offFirst = link.onFrame((f) => first.push(f[0]!));
  link.onFrame((f) => second.push(f[0]!));
  for (const n of [1, 2, 3]) {
    const got = nextFrame(link);
    await sendFrom(nut.socket, Uint8Array.of(n), testerPort);
    await got;
    if (n === 2) offFirst();
  }
  assert.deepEqual(first, [1, 2]);
  assert.deepEqual(second, [1, 2, 3]);
});

test('datagrams from anywhere but the NUT port are ignored', async (t) => {
  const nut = await fakeNut();
  const stranger = await fakeNut();
  const testerPort = await freePort();
  const link = await openLink('Link0', { kind: 'udp-ethernet', testerPort, nutPort: nut.port });
  t.after(async () => {
    await link.close();
    nut.socket.close();
    stranger.socket.close();
  });
  const seen: number[] = [];
  link.onFrame((f) => seen.push(f[0]!));
  const fromNut = nextFrame(link);
  // Loopback queues datagrams in send order, so the stray one is processed first.
  await sendFrom(stranger.socket, Uint8Array.of(0xee), testerPort);
  await sendFrom(nut.socket, Uint8Array.of(0x01), testerPort);
  await fromNut;
  assert.deepEqual(seen, [0x01]);
});

test('close() releases the port and stops the link', async () => {
  const nut = await fakeNut();
  const testerPort = await freePort();
  const link = await openLink('Link0', { kind: 'udp-ethernet', testerPort, nutPort: nut.port });
  await assert.rejects(openLink('Link0', { kind: 'udp-ethernet', testerPort, nutPort: nut.port }), /Link0: cannot bind 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  await link.close();
  await link.close();
  await assert.rejects(link.send(new Uint8Array(14)), /Link0: link is closed/);

  const again = await openLink('Link0', { kind: 'udp-ethernet', testerPort, nutPort: nut.port });
  const got = nextFrame(again);
  await sendFrom(nut.socket, Uint8Array.of(7), testerPort);
  assert.deepEqual((await got).frame, Uint8Array.of(7));
  await again.close();
  nut.socket.close();
});

test('raw-interface links are not there yet', async () => {
  await assert.rejects(openLink('Link0', { kind: 'raw-interface', ifname: 'eth1' }), /not implemented yet: raw-interface links need AF_PACKET/);
});
