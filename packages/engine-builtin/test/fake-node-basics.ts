// What every fake ND node of the case tests does the same way: timers that all end when the node stops,
// frames put on its link, and listening to the link until it stops.
import type { Link } from '@testlab/core';
import { buildFrame, type FrameSpec } from '@testlab/packet';

export interface FakeNodeBasics {
  /** Runs `f` after `ms` unless the node has stopped. */
  later(ms: number, f: () => void): NodeJS.Timeout;
  send(spec: FrameSpec): void;
  /** Hands every frame the link carries to `onFrame` until stop(). */
  listen(onFrame: (bytes: Uint8Array) => void): void;
  /** Stops listening and cancels every timer. */
  stop(): void;
}

export function fakeNodeBasics(link: Link): FakeNodeBasics {
  const timers = new Set<NodeJS.Timeout>();
  const unsubscribe: Array<() => void> = [];
  return {
    later(ms, f) {
      const t = setTimeout(() => (timers.delete(t), f()), ms);
      timers.add(t);
      return t;
    },
    send: (spec) => void link.send(buildFrame(spec)),
    listen(onFrame) {
      unsubscribe.push(link.onFrame((bytes) => onFrame(bytes)));
    },
    stop() {
      for (const u of unsubscribe.splice(0)) u();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
