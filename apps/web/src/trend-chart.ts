// The pass-rate trend of one case across kernels, as SVG numbers computed here; the template only
// places them. Points are bucketed so a year of nightly runs stays a readable line of at most 60 steps.
import type { HistoryPoint } from '@testlab/core';

export interface TrendChart {
  width: number;
  height: number;
  /** `x,y x,y ...` for a <polyline>. */
  line: string;
  buckets: { x: number; y: number; passRate: number; from: string; to: string; runs: number; failing: number }[];
  /** Grid lines at 0, 50, 100 %. */
  grid: { y: number; label: string }[];
  firstKernel: string | null;
  lastKernel: string | null;
}

const WIDTH = 720;
const HEIGHT = 180;
const PAD = { left: 40, right: 10, top: 10, bottom: 10 };

/** Pass rate = PASS / (PASS + FAIL + ERROR) per bucket; buckets with only WARN/NA are left out. */
export function trendChart(points: readonly HistoryPoint[], maxBuckets = 60): TrendChart {
  const size = Math.max(1, Math.ceil(points.length / maxBuckets));
  const raw: { from: string; to: string; pass: number; judged: number; runs: number }[] = [];
  for (let i = 0; i < points.length; i += size) {
    const part = points.slice(i, i + size);
    const pass = part.filter((p) => p.verdict === 'PASS').length;
    const judged = part.filter((p) => p.verdict === 'PASS' || p.verdict === 'FAIL' || p.verdict === 'ERROR').length;
    raw.push({ from: part[0]!.kernelVersion, to: part[part.length - 1]!.kernelVersion, pass, judged, runs: part.length });
  }
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const yOf = (rate: number) => round(PAD.top + (1 - rate) * plotH);
  const step = raw.length > 1 ? plotW / (raw.length - 1) : 0;
  const buckets = raw.flatMap((b, i) =>
    b.judged === 0
      ? []
      : [{
          x: round(PAD.left + (raw.length > 1 ? i * step : plotW / 2)),
          y: yOf(b.pass / b.judged),
          passRate: Math.round((100 * b.pass) / b.judged),
          from: b.from,
          to: b.to,
          runs: b.runs,
          failing: b.judged - b.pass,
        }],
  );
  return {
    width: WIDTH,
    height: HEIGHT,
    line: buckets.map((b) => `${b.x},${b.y}`).join(' '),
    buckets,
    grid: [1, 0.5, 0].map((r) => ({ y: yOf(r), label: `${r * 100}%` })),
    firstKernel: points[0]?.kernelVersion ?? null,
    lastKernel: points.at(-1)?.kernelVersion ?? null,
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
