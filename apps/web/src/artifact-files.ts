// Serving a file the store recorded, and only if its real path (symlinks resolved) is inside the lab's
// runs folder: a row pointing at /etc/passwd, or a run folder symlinked elsewhere, serves nothing. A run made
// on another host is served from the copy its worker uploaded (received/<run>/<sha256 of the recorded path>).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import { NotFound } from './params.js';

/** The real path of `file` when it is a regular file inside `root`; NotFound otherwise (saying which). */
export async function confinedFile(root: string, file: string): Promise<{ path: string; size: number }> {
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(file);
  } catch {
    throw new NotFound('the artifact file is gone from the runs folder');
  }
  const rel = path.relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new NotFound('the artifact is not inside the lab runs folder');
  const info = await stat(real);
  if (!info.isFile()) throw new NotFound('the artifact is not a regular file');
  return { path: real, size: info.size };
}

/** Where the copy a worker uploaded of `recordedPath` (a file of run `runId`) is kept: no name from outside is a path. */
export function receivedPath(receivedDir: string, runId: number, recordedPath: string): string {
  return path.join(receivedDir, String(runId), createHash('sha256').update(recordedPath).digest('hex'));
}

/** The recorded file in the runs folder, else its uploaded copy; NotFound naming the first reason. */
async function findFile(where: { runsDir: string; receivedDir?: string }, runId: number, file: string): Promise<{ path: string; size: number }> {
  try {
    return await confinedFile(where.runsDir, file);
  } catch (error) {
    if (!(error instanceof NotFound) || where.receivedDir === undefined) throw error;
    return confinedFile(where.receivedDir, receivedPath(where.receivedDir, runId, file)).catch(() => {
      throw error;
    });
  }
}

const TEXT_KINDS = new Set(['build-log', 'console-log', 'config', 'case-log', 'system-map']);

/** `finished`: the run is over, so its files never change again and may be kept by any cache for good. */
export async function sendArtifact(
  reply: FastifyReply, where: { runsDir: string; receivedDir?: string }, runId: number, file: string, kind: string, downloadName: string, finished = false,
): Promise<FastifyReply> {
  const found = await findFile(where, runId, file);
  if (finished) reply.header('cache-control', 'public, max-age=31536000, immutable');
  else reply.header('cache-control', 'no-cache');
  const text = TEXT_KINDS.has(kind) || file.endsWith('.log');
  const type = kind === 'pcap' ? 'application/vnd.tcpdump.pcap' : text ? 'text/plain; charset=utf-8' : 'application/octet-stream';
  // Texts are shown in the browser as plain text (never HTML: nosniff is set); the rest downloads.
  const safeName = downloadName.replace(/[^A-Za-z0-9._-]/g, '_');
  reply.header('content-disposition', `${text ? 'inline' : 'attachment'}; filename="${safeName}"`);
  reply.header('content-length', found.size);
  return reply.type(type).send(createReadStream(found.path));
}
