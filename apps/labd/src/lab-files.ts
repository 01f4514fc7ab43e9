// A worker's side of moving files between the hosts of a lab (host.resultsUrl with web.tokenFile): the kernel
// it built goes to the results service with each file's SHA-256, recorded in the build job's result; a run on
// another host fetches that kernel, checks every file against the recorded checksums and puts it in its own
// kernel cache; every file a run recorded goes to the results service, which serves it from then on.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { BuiltKernel, LabStore } from '@testlab/core';
import { cachedKernel, installKernelEntry, kernelEntryFiles } from '@testlab/builder';
import { downloadVerified, fileSha256, uploadFile } from '@testlab/transport';

/** The results service refused this worker's lab token: nothing it makes could be sent. */
export class ResultsServiceRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultsServiceRefusedError';
  }
}

export interface LabFiles {
  /**
   * Asks the results service whether it takes this worker's token (before any work is leased): refused is an
   * error naming the service and the token file; unreachable is said and left for the uploads' own retries.
   */
  checkToken(): Promise<'accepted' | string>;
  /** Uploads the cache entry `cacheKey`; returns each file's SHA-256, for the build job's result. */
  uploadKernel(cacheKey: string): Promise<Record<string, string>>;
  /** The kernel of `cacheKey` from this host's cache, else fetched from the results service and checked. */
  kernel(cacheKey: string, files: Record<string, string>): Promise<BuiltKernel>;
  /** Uploads every file the store recorded for the run (artifacts, captures) that is on this host. */
  uploadRun(runId: number): Promise<{ uploaded: number; missing: string[] }>;
}

export function labFiles(o: { resultsUrl: string; token: string; tokenFile: string; cacheDir: string; store: LabStore }): LabFiles {
  const base = o.resultsUrl.replace(/\/+$/, '');
  const transfer = { token: o.token, retryDelaysMs: [2_000, 8_000, 30_000, 60_000] };
  return {
    async checkToken() {
      let status: number;
      try {
        // A kernel no build makes: 404 with the right token, 401 with a wrong one.
        const response = await fetch(`${base}/api/kernels/${'0'.repeat(64)}/meta.json`, { headers: { authorization: `Bearer ${o.token}` }, signal: AbortSignal.timeout(10_000) });
        await response.body?.cancel();
        status = response.status;
      } catch (error) {
        return `the results service at ${base} did not answer (${(error as Error).message}): uploads will retry`;
      }
      if (status === 401 || status === 403) {
        throw new ResultsServiceRefusedError(`the results service at ${base} refused the lab token of ${o.tokenFile} (HTTP ${status}): use the token file the dashboard has`);
      }
      if (status !== 404 && status !== 200) return `the results service at ${base} answered HTTP ${status} to a token check: is host.resultsUrl the dashboard's URL?`;
      return 'accepted';
    },
    async uploadKernel(cacheKey) {
      const files = await kernelEntryFiles(o.cacheDir, cacheKey);
      if (files === undefined) throw new Error(`kernel ${cacheKey} is not (whole) in this host's cache`);
      const sums: Record<string, string> = {};
      // meta.json comes last: the entry on the other side is whole once it is there.
      for (const f of files) sums[f.name] = (await uploadFile(`${base}/api/kernels/${cacheKey}/${encodeURIComponent(f.name)}`, f.path, transfer)).sha256;
      return sums;
    },
    async kernel(cacheKey, files) {
      const here = await cachedKernel(o.cacheDir, cacheKey);
      if (here !== undefined) return here;
      if (!('meta.json' in files) || !('bzImage' in files)) throw new Error(`the build of kernel ${cacheKey} recorded no checksums of its files: it cannot be fetched`);
      return installKernelEntry(o.cacheDir, cacheKey, async (dir) => {
        for (const [name, sha256] of Object.entries(files)) {
          if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') throw new Error(`the build recorded a file name ${JSON.stringify(name)} that is not one`);
          await downloadVerified(`${base}/api/kernels/${cacheKey}/${encodeURIComponent(name)}`, path.join(dir, name), { ...transfer, sha256 });
        }
      });
    },
    async uploadRun(runId) {
      const recorded = new Set<string>();
      for (const a of await o.store.artifactsOf(runId)) recorded.add(a.path);
      for (const r of await o.store.resultsOf(runId)) for (const p of r.pcaps) recorded.add(p);
      let uploaded = 0;
      const missing: string[] = [];
      for (const file of recorded) {
        if (!(await stat(file).then((s) => s.isFile(), () => false))) {
          missing.push(file);
          continue;
        }
        await uploadFile(`${base}/api/runs/${runId}/files`, file, { ...transfer, sha256: await fileSha256(file), headers: { 'x-testlab-path': encodeHeader(file) } });
        uploaded++;
      }
      return { uploaded, missing };
    },
  };
}

/** A header value must be Latin-1 without control characters; a path that is not is refused, not mangled. */
function encodeHeader(value: string): string {
  if (!/^[\x20-\x7e]+$/.test(value)) throw new Error(`cannot upload ${JSON.stringify(value)}: only printable ASCII paths travel in a header`);
  return value;
}
