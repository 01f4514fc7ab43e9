// The stages of a run as bars on one time axis (SVG geometry computed here, placed by the template).
import type { StageRecord } from '@testlab/core';
import { formatMs } from './views.js';

export interface TimelineBar {
  stage: string;
  status: string;
  x: number;
  width: number;
  y: number;
  label: string;
  detail: string | null;
}

const WIDTH = 720;
const ROW = 22;
const LABEL = 90;

export function stageTimeline(stages: readonly StageRecord[], now: Date = new Date()): { width: number; height: number; bars: TimelineBar[] } {
  const start = Math.min(...stages.map((s) => Date.parse(s.startedAt)));
  const end = (s: StageRecord) => (s.finishedAt ? Date.parse(s.finishedAt) : s.status === 'running' ? now.getTime() : Date.parse(s.startedAt));
  const last = Math.max(...stages.map(end));
  const span = Math.max(1, last - start);
  const plot = WIDTH - LABEL - 10;
  const bars = stages.map((s, i) => {
    const from = Date.parse(s.startedAt) - start;
    const duration = s.durationMs ?? end(s) - Date.parse(s.startedAt);
    return {
      stage: s.stage,
      status: s.status,
      x: Math.round(LABEL + (from / span) * plot),
      width: Math.max(2, Math.round((Math.max(0, duration) / span) * plot)),
      y: i * ROW,
      label: `${s.status}${s.status === 'running' ? '' : `, ${formatMs(Math.max(0, duration))}`}`,
      detail: s.detail,
    };
  });
  return { width: WIDTH, height: Math.max(ROW, stages.length * ROW), bars };
}
