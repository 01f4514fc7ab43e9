// Home: kernels x test sets, newest kernel first, and what the lab is doing now.
import type { HostRecord, MatrixCell } from '@testlab/core';
import type { WebRoute } from '../context.js';
import { validated } from '../http-cache.js';
import { matrixQuery, parse } from '../params.js';

/** The colour (and the words beside it, colour is never the only signal) of one matrix cell. */
export function cellState(cell: MatrixCell): { css: string; label: string } {
  if (cell.status === 'running') return { css: 'running', label: 'running' };
  if (cell.status === 'failed' || cell.status === 'unfinished') return { css: 'lab-failed', label: `run ${cell.status}` };
  if ((cell.regressions ?? 0) > 0) return { css: 'regression', label: `${cell.regressions} regression${cell.regressions === 1 ? '' : 's'}` };
  if (cell.counts.FAIL + cell.counts.ERROR > 0) return { css: 'fail', label: 'failures, none new' };
  return { css: 'pass', label: 'all pass' };
}

/** A host that sent no heartbeat for this long is shown as not answering (labd beats every 30 s). */
export const HOST_SILENT_MS = 120_000;

/** How the status shows one host: up, not answering (its jobs go to others once their leases lapse), or left. */
export function hostState(host: HostRecord, now: Date): { state: 'up' | 'silent' | 'left'; stateLabel: string } {
  if (host.leftAt !== null) return { state: 'left', stateLabel: `stopped at ${host.leftAt}` };
  const silentMs = now.getTime() - Date.parse(host.lastSeenAt);
  if (silentMs > HOST_SILENT_MS) return { state: 'silent', stateLabel: `not answering for ${Math.round(silentMs / 60_000)} min` };
  return { state: 'up', stateLabel: 'up' };
}

const home: WebRoute = async (app, { context }) => {
  app.get('/', async (request, reply) => {
    const { kernels, stream } = parse(matrixQuery, request.query);
    // The matrix is kept until the store's change stamp moves; the status beside it (stages, heartbeats) is
    // at most 2 s old.
    const etag = `"home-${await context.cache.stamp()}-${Math.floor(Date.now() / 2000)}"`;
    return validated(context.cache, request, reply, etag, async () => {
      const [matrix, status] = await Promise.all([context.results.matrix({ kernels: kernels ?? 30, stream }), context.results.labStatus()]);
      const rows = matrix.rows.map((r) => ({
        ...r,
        cells: matrix.columns.map((c) => {
          const cell = r.cells[c];
          return cell ? { ...cell, ...cellState(cell), column: c } : null;
        }),
      }));
      const running = status.running.map(({ run, stage }) => ({ run, stage, progress: stage?.detail ?? null }));
      const now = new Date();
      const hosts = status.hosts.map((h) => ({
        ...h, roleList: h.roles.join(', '), nutList: h.nuts.map((n) => `${n.name} (${n.profile}: ${n.modes.join(', ')})`).join('; '), ...hostState(h, now),
      }));
      const streams = [{ name: 'all', href: '/', current: matrix.stream === null }].concat(
        matrix.streams.map((s) => ({ name: s, href: `/?stream=${encodeURIComponent(s)}`, current: s === matrix.stream })),
      );
      const body = context.views.page('home', 'testlab: kernels x test sets', { columns: matrix.columns, rows, status, running, hosts, streams, stream: matrix.stream });
      return { type: 'text/html; charset=utf-8', body };
    });
  });
};
export default home;
