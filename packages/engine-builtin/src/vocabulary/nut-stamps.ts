// Frames stamped with the NUT's own clock as they arrive, so that a gap one of the NUT's timers sets
// (RetransTimer between solicitations, DELAY_FIRST_PROBE_TIME before a probe) is judged on the NUT's tick
// clock as well as on the tester's. Linux's timers count jiffies, and a starved VM's jiffies run a fifth fast or
// slow for seconds at a time: beside a kernel build, v6LC.2.1.5-A saw a NUT's solicitations 925 and 841 ms
// apart with RetransTimer 1 s, then 4,575 and 4,327 ms apart with 5 s (docs/measurements.md). A gap is outside
// its bounds only when both clocks put it there; a reading of the NUT's clock comes back up to its round trip
// after the frame, and that much is given to the NUT (as v6LC.2.2.7 judges RA intervals).
import type { DecodedFrame } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { nutClockMs } from './nut-clock.js';

interface Stamp {
  nutMs: number;
  /** Tester ms from the frame's arrival to the reading's return: how late the reading may be. */
  readLagMs: number;
}

export interface NutStamps {
  /** Stops stamping new frames; those seen keep their readings. */
  stop(): void;
  /** The NUT's clock read as `r` arrived; undefined for a frame not stamped or a clock that could not be read. */
  of(r: ReceivedFrame): Promise<Stamp | undefined>;
}

/** From now on, reads the NUT's clock as each frame matching `match` arrives on `link`. */
export function stampOnNutClock(ctx: CaseContext, match: (f: DecodedFrame) => boolean, link = 'Link0'): NutStamps {
  const stamps = new Map<ReceivedFrame, Promise<Stamp | undefined>>();
  const stop = ctx.link(link).onReceive((r) => {
    if (!match(r.frame)) return;
    const reading = nutClockMs(ctx).then(
      (nutMs) => ({ nutMs, readLagMs: Date.now() - r.atMs }),
      () => undefined,
    );
    stamps.set(r, reading);
  });
  return { stop, of: async (r) => stamps.get(r) };
}

export interface Gap {
  /** On the tester's clock (ms). */
  testerMs: number;
  /** On the NUT's clock (ms), when both frames were stamped. */
  nutMs?: number;
  /** How far outside [min, max] both clocks put the gap (ms): 0 when either puts it inside. */
  outsideMs: number;
}

/** The gap from `earlier` to `later` against [minMs, maxMs], on both clocks (the tester's alone without stamps). */
export async function gapOnBothClocks(stamps: NutStamps, earlier: ReceivedFrame, later: ReceivedFrame, minMs: number, maxMs = Infinity): Promise<Gap> {
  const outsideBy = (g: number) => (g < minMs ? minMs - g : g > maxMs ? g - maxMs : 0);
  const testerMs = Math.round(later.atMs - earlier.atMs);
  const [a, b] = [await stamps.of(earlier), await stamps.of(later)];
  if (!a || !b) return { testerMs, outsideMs: outsideBy(testerMs) };
  const nutMs = b.nutMs - a.nutMs;
  const readingSlack = Math.max(a.readLagMs, b.readLagMs);
  return { testerMs, nutMs, outsideMs: Math.min(outsideBy(testerMs), Math.max(0, outsideBy(nutMs) - readingSlack)) };
}

/** Gaps in words for a reason: "4575 ms (NUT clock 5010 ms)". */
export const describeGap = (g: Gap): string => `${g.testerMs} ms${g.nutMs === undefined ? '' : ` (NUT clock ${g.nutMs} ms)`}`;
