// One poll of every configured source: each source's kernels are judged new or known by the sink; a source
// that fails is reported and the others go on; a kernel that fails its checks is rejected alone.
import { silentProgress, type DiscoveredKernel, type DiscoveredKernelSink, type Progress } from '@testlab/core';
import type { FetchedKernel } from './fetch-kernel.js';
import type { SkippedEntry, WatchSource } from './watch-source.js';

export type FoundStatus = 'new' | 'known' | 'rejected';

export interface FoundKernel {
  kernel: DiscoveredKernel;
  status: FoundStatus;
  /** Why it was rejected, or which source already reported it in this poll. */
  note?: string;
  /** What checked the kernel's bytes, when it was fetched. */
  verifiedBy?: string;
}

export interface SourceReport {
  source: string;
  /** Set when the source could not be read at all; then `found` and `skipped` are empty. */
  error?: string;
  found: FoundKernel[];
  skipped: SkippedEntry[];
}

export interface PollOptions {
  cacheDir: string;
  progress?: Progress;
  /** Judge new/known but offer nothing to the sink. */
  dryRun?: boolean;
  /** Fetch and verify each new kernel before offering it (fetchKernel with the lab's keyring and tag tree). */
  fetch?: (kernel: DiscoveredKernel) => Promise<FetchedKernel>;
}

export async function pollOnce(sources: readonly WatchSource[], sink: DiscoveredKernelSink, options: PollOptions): Promise<SourceReport[]> {
  const progress = options.progress ?? silentProgress;
  const reports: SourceReport[] = [];
  // The same kernel from two sources (releases.json and a git tree) is offered once.
  const seenThisPoll = new Map<string, string>();
  for (const source of sources) {
    progress.step(`poll ${source.description}`);
    let polled;
    try {
      polled = await source.poll({ cacheDir: options.cacheDir, progress });
    } catch (error) {
      reports.push({ source: source.description, error: (error as Error).message, found: [], skipped: [] });
      continue;
    }
    const found: FoundKernel[] = [];
    for (const kernel of polled.kernels) {
      const earlier = seenThisPoll.get(kernel.version.text);
      if (earlier !== undefined) {
        found.push({ kernel, status: 'known', note: `also found by ${earlier}` });
        continue;
      }
      seenThisPoll.set(kernel.version.text, source.description);
      found.push(await judge(kernel, sink, options));
    }
    reports.push({ source: source.description, found, skipped: polled.skipped });
  }
  return reports;
}

async function judge(kernel: DiscoveredKernel, sink: DiscoveredKernelSink, options: PollOptions): Promise<FoundKernel> {
  if (await sink.isKnown(kernel)) return { kernel, status: 'known' };
  let verifiedBy: string | undefined;
  if (options.fetch) {
    try {
      verifiedBy = (await options.fetch(kernel)).verifiedBy;
    } catch (error) {
      return { kernel, status: 'rejected', note: (error as Error).message };
    }
  }
  // A dry run still fetches and verifies when asked (an operator checking a keyring), but offers nothing.
  const status = options.dryRun ? 'new' : await sink.offer(kernel);
  return verifiedBy === undefined ? { kernel, status } : { kernel, status, verifiedBy };
}
