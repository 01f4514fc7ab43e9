// Which kernel streams a version belongs to, in the words subscribers use: `mainline` (rc's, finals and
// snapshots of them), `stable` (x.y.z and snapshots of them) and `stable-X.Y` (the dashboard's name for
// one stable line, see @testlab/diff streamOf), `next` (linux-next), and its release line `X.Y`.
import { releaseLine, type KernelVersion } from '@testlab/core';

export const STREAM_NAME = /^(mainline|stable|next|(stable-)?(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2}))$/;

export function kernelStreams(v: KernelVersion): string[] {
  const tagged = v.kind === 'snapshot' ? v.base : v;
  const family = tagged.kind === 'next' ? 'next' : tagged.kind === 'stable' ? 'stable' : 'mainline';
  const line = releaseLine(v);
  if (!line) return [family];
  return family === 'stable' ? [family, `stable-${line}`, line] : [family, line];
}
