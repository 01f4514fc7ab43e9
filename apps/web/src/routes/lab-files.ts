// Files between the hosts of a lab, with the lab token: a worker uploads the kernel it built (another worker
// fetches it by its cache key to boot it) and every file a run recorded (so this dashboard serves any run's
// logs and captures, wherever the run happened). Every upload names its SHA-256: the bytes are checked as
// they arrive and kept only when they match, under names the lab makes (never a path from the request).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { LabStore, ResultsQuery } from '@testlab/core';
import { receivedPath } from '../artifact-files.js';
import { parse, runParams } from '../params.js';
import { requireToken } from './trigger.js';

export interface LabFilesOptions {
  token: string;
  store: LabStore;
  results: ResultsQuery;
  /** Kernels workers built: `<kernelsDir>/<cache key>/<file>`, a builder's kernel cache entry. */
  kernelsDir: string;
  /** Run files uploaded by workers: `<receivedDir>/<run id>/<sha256 of the recorded path>`. */
  receivedDir: string;
  /** Largest file accepted (default 1 GiB: a modules tarball of a big config). */
  maxBytes?: number;
}

/** What a kernel cache entry holds (the builder's kernel-cache.ts), and nothing else. */
export const KERNEL_FILES = ['bzImage', 'System.map', '.config', 'build.log', 'modules.tar.gz', 'meta.json'] as const;

const kernelParams = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/, 'a kernel cache key (64 hex digits)'),
  file: z.enum(KERNEL_FILES),
});
const sha256Header = z.string().regex(/^[0-9a-f]{64}$/, 'x-testlab-sha256 must be the SHA-256 of the body in hex');

/** Writes the request body to `dest` only when its SHA-256 is `expected`; a 422 naming both otherwise. */
async function receive(body: Readable, dest: string, expected: string, maxBytes: number, reply: FastifyReply): Promise<FastifyReply> {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${randomBytes(6).toString('hex')}`;
  const hash = createHash('sha256');
  let bytes = 0;
  let refusal: { status: number; error: string } | undefined;
  const out = await open(tmp, 'w');
  try {
    for await (const chunk of body) {
      bytes += (chunk as Buffer).length;
      if (bytes > maxBytes) {
        body.destroy();
        refusal = { status: 413, error: `more than ${maxBytes} bytes` };
        break;
      }
      hash.update(chunk as Buffer);
      await out.write(chunk as Buffer);
    }
  } catch (error) {
    // The sender went away mid-file: nothing of it stays.
    await out.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await out.close();
  const got = hash.digest('hex');
  if (refusal === undefined && got !== expected) refusal = { status: 422, error: `checksum mismatch: x-testlab-sha256 says ${expected}, the body is ${got}` };
  // Nothing is answered before the temp file is gone or in place: the sender may look right after.
  if (refusal !== undefined) {
    await rm(tmp, { force: true });
    return reply.code(refusal.status).send({ error: refusal.error, statusCode: refusal.status });
  }
  await rename(tmp, dest);
  return reply.code(201).send({ sha256: got, bytes });
}

export const labFileRoutes: FastifyPluginAsync<LabFilesOptions> = async (app, options) => {
  const maxBytes = options.maxBytes ?? 1024 ** 3;
  // Checked before the body is read: without the token nothing is written, not even a temp file.
  app.addHook('onRequest', requireToken(options.token));
  // The body stays a stream: files are checked and written as they arrive, never held in memory.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.put('/api/kernels/:key/:file', async (request, reply) => {
    const { key, file } = parse(kernelParams, request.params);
    const expected = parse(sha256Header, request.headers['x-testlab-sha256']);
    return receive(request.body as Readable, path.join(options.kernelsDir, key, file), expected, maxBytes, reply);
  });

  app.get('/api/kernels/:key/:file', async (request, reply) => {
    const { key, file } = parse(kernelParams, request.params);
    const full = path.join(options.kernelsDir, key, file);
    const info = await stat(full).catch(() => undefined);
    if (!info?.isFile()) return reply.code(404).send({ error: `no ${file} of kernel ${key} here`, statusCode: 404 });
    reply.header('content-length', info.size);
    return reply.type('application/octet-stream').send(createReadStream(full));
  });

  // A run's file: accepted only when the store recorded that path for that run (an artifact or a capture).
  app.put('/api/runs/:id/files', async (request, reply) => {
    const { id } = parse(runParams, request.params);
    const recorded = parse(z.string().min(1).max(4096), request.headers['x-testlab-path']);
    const expected = parse(sha256Header, request.headers['x-testlab-sha256']);
    const [artifacts, results] = await Promise.all([options.results.artifactsWithIds(id), options.store.resultsOf(id)]);
    const known = artifacts.some((a) => a.path === recorded) || results.some((r) => r.pcaps.includes(recorded));
    if (!known) {
      (request.body as Readable).destroy();
      return reply.code(404).send({ error: `run ${id} recorded no file ${JSON.stringify(recorded.slice(0, 300))}`, statusCode: 404 });
    }
    return receive(request.body as Readable, receivedPath(options.receivedDir, id, recorded), expected, maxBytes, reply);
  });
};
