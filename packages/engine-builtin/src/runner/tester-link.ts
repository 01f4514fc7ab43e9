// The tester's side of one test link during one case: every frame in either direction is captured to the
// case's pcap and written to its log; a case sends frames and waits for the NUT's answers on it.
import type { Link } from '@testlab/core';
import { buildFrame, decodeFrame, describeFrame, PcapWriter, type DecodedFrame, type FrameSpec } from '@testlab/packet';

export interface ReceivedFrame {
  frame: DecodedFrame;
  bytes: Uint8Array;
  atMs: number;
}

type Waiter = { match: (f: DecodedFrame) => boolean; resolve: (f: ReceivedFrame | undefined) => void };

export class TesterLink {
  private readonly received: ReceivedFrame[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(r: ReceivedFrame) => void>();
  private readonly unsubscribe: () => void;
  /** Expectations look at frames from here on: set by every send, so an answer that beats `expect` is not lost. */
  private mark = 0;

  constructor(
    private readonly link: Link,
    private readonly pcap: PcapWriter,
    private readonly log: (text: string) => void,
  ) {
    this.unsubscribe = link.onFrame((bytes, atMs) => this.deliver(bytes, atMs));
  }

  get name(): string {
    return this.link.name;
  }

  /** Builds the frame from its spec (fields may be wrong on purpose) and sends it. */
  async send(spec: FrameSpec, note?: string): Promise<Uint8Array> {
    const bytes = buildFrame(spec);
    await this.sendRaw(bytes, note);
    return bytes;
  }

  /** For simulated nodes' automatic answers: sent and captured, but the case's expectations keep their start. */
  async answer(spec: FrameSpec, note: string): Promise<void> {
    await this.sendRaw(buildFrame(spec), note, false);
  }

  async sendRaw(bytes: Uint8Array, note?: string, moveMark = true): Promise<void> {
    if (moveMark) this.mark = this.received.length;
    this.pcap.write(bytes, Date.now());
    this.log(`${this.link.name} >> ${describeFrame(decodeFrame(bytes))}${note ? `  [${note}]` : ''}`);
    await this.link.send(bytes);
  }

  /** Expectations look at frames from now on, without sending: for events the NUT starts itself (link up, DAD). */
  markNow(): void {
    this.mark = this.received.length;
  }

  /** The first frame since the last send that matches, or undefined after `withinMs`. */
  expect(match: (f: DecodedFrame) => boolean, withinMs: number): Promise<ReceivedFrame | undefined> {
    const already = this.received.slice(this.mark).find((r) => match(r.frame));
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => {
      const waiter: Waiter = { match, resolve: (r) => (clearTimeout(timer), this.waiters.delete(waiter), resolve(r)) };
      const timer = setTimeout(() => waiter.resolve(undefined), withinMs);
      this.waiters.add(waiter);
    });
  }

  /** Waits the whole window; returns the first matching frame if one came (the case then fails). */
  async expectNothing(match: (f: DecodedFrame) => boolean, forMs: number): Promise<ReceivedFrame | undefined> {
    const start = this.mark;
    await new Promise((r) => setTimeout(r, forMs));
    return this.received.slice(start).find((r) => match(r.frame));
  }

  /** Waits the whole window; returns every matching frame since the last send (fragments, repeated errors). */
  async collect(match: (f: DecodedFrame) => boolean, forMs: number): Promise<ReceivedFrame[]> {
    const start = this.mark;
    await new Promise((r) => setTimeout(r, forMs));
    return this.received.slice(start).filter((r) => match(r.frame));
  }

  /** Frames since the last send, described: what a FAIL reason reports as "seen". */
  seenSinceSend(filter: (f: DecodedFrame) => boolean = () => true): string {
    const seen = this.received.slice(this.mark).filter((r) => filter(r.frame));
    if (seen.length === 0) return 'nothing';
    const shown = seen.slice(0, 3).map((r) => describeFrame(r.frame));
    return `${shown.join('; ')}${seen.length > 3 ? `; and ${seen.length - 3} more` : ''}`;
  }

  /** Frames since the last send that match, as received: what a case quotes back (a Packet Too Big quotes a packet the NUT sent). */
  framesSinceSend(match: (f: DecodedFrame) => boolean): ReceivedFrame[] {
    return this.received.slice(this.mark).filter((r) => match(r.frame));
  }

  /** Simulated nodes (ND responders) subscribe here; they see every frame the NUT sends. */
  onReceive(listener: (r: ReceivedFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    for (const w of [...this.waiters]) w.resolve(undefined);
  }

  private deliver(bytes: Uint8Array, atMs: number): void {
    const frame = decodeFrame(bytes);
    const r = { frame, bytes, atMs };
    this.received.push(r);
    this.pcap.write(bytes, atMs);
    this.log(`${this.link.name} << ${describeFrame(frame)}`);
    for (const l of this.listeners) l(r);
    for (const w of [...this.waiters]) if (w.match(frame)) w.resolve(r);
  }
}
