// Serving a file the store recorded, and only if its real path (symlinks resolved) is inside the lab's
// runs folder: a row pointing at /etc/passwd, or a run folder symlinked elsewhere, serves nothing.
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

const TEXT_KINDS = new Set(['build-log', 'console-log', 'config', 'case-log', 'system-map', 'esp-sa', 'wireshark-preferences']);

export async function sendArtifact(reply: FastifyReply, root: string, file: string, kind: string, downloadName: string): Promise<FastifyReply> {
  const found = await confinedFile(root, file);
  const text = TEXT_KINDS.has(kind) || file.endsWith('.log');
  const type = kind === 'pcap' ? 'application/vnd.tcpdump.pcap' : text ? 'text/plain; charset=utf-8' : 'application/octet-stream';
  // Texts are shown in the browser as plain text (never HTML: nosniff is set); the rest downloads.
  const safeName = downloadName.replace(/[^A-Za-z0-9._-]/g, '_');
  reply.header('content-disposition', `${text ? 'inline' : 'attachment'}; filename="${safeName}"`);
  reply.header('content-length', found.size);
  return reply.type(type).send(createReadStream(found.path));
}
