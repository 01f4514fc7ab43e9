// The registry of watch source drivers, and the watcher's configuration (from the lab's config file or the
// CLI's flags), validated with zod before any driver sees it.
import path from 'node:path';
import { z } from 'zod';
import type { HttpOptions } from '@testlab/transport';
import { GitTreeSource } from './git-tree.js';
import { ReleasesJsonSource } from './releases-json.js';
import type { WatchSource } from './watch-source.js';

const releasesJsonConfig = z.strictObject({
  driver: z.literal('releases-json'),
  url: z.string().optional(),
  nextRepo: z.string().optional(),
});
const gitTreeConfig = z.strictObject({
  driver: z.literal('git-tree'),
  name: z.string(),
  repo: z.string(),
  tagPrefixes: z.array(z.string()).optional(),
  branches: z.array(z.string()).optional(),
  since: z.string().optional(),
  /**
   * gpgv keyring whose keys must have signed every tag taken from this tree. Absolute: a trust anchor must
   * not depend on the directory the lab happened to start in.
   */
  keyring: z.string().min(1).refine((p) => path.isAbsolute(p), 'an absolute path to a gpgv keyring file').optional(),
});
export const watchSourceConfig = z.discriminatedUnion('driver', [releasesJsonConfig, gitTreeConfig]);
export type WatchSourceConfig = z.infer<typeof watchSourceConfig>;

export const watchConfig = z.strictObject({
  sources: z.array(watchSourceConfig).min(1),
  /** gpgv keyring with the release signers' keys (finals, stable). */
  keyring: z.string().optional(),
  /** Tree whose tags vouch for rc tarballs. */
  rcTagRepo: z.string().optional(),
});
export type WatchConfig = z.infer<typeof watchConfig>;

/** One line per driver: a new source kind is a new file plus a line here. */
export const watchDrivers = {
  'releases-json': (c: z.infer<typeof releasesJsonConfig>, runtime: WatchRuntime): WatchSource => new ReleasesJsonSource({ ...c, ...runtime }),
  'git-tree': (c: z.infer<typeof gitTreeConfig>): WatchSource => new GitTreeSource(c),
} as const;

/** What the process (not the configuration file) decides: HTTP retry timing, say, shorter in tests. */
export interface WatchRuntime {
  http?: HttpOptions;
}

export function watchSourceFrom(config: WatchSourceConfig, runtime: WatchRuntime = {}): WatchSource {
  switch (config.driver) {
    case 'releases-json':
      return watchDrivers['releases-json'](config, runtime);
    case 'git-tree':
      return watchDrivers['git-tree'](config);
  }
}

/** Validates a whole watch configuration and builds its sources; throws naming what is wrong where. */
export function parseWatchConfig(input: unknown, runtime: WatchRuntime = {}): { config: WatchConfig; sources: WatchSource[] } {
  const parsed = watchConfig.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 4).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new Error(`invalid watch configuration: ${issues.join('; ')}`);
  }
  const sources = parsed.data.sources.map((s, i) => {
    try {
      return watchSourceFrom(s, runtime);
    } catch (error) {
      throw new Error(`invalid watch configuration: sources.${i} (${s.driver}): ${(error as Error).message}`, { cause: error });
    }
  });
  return { config: parsed.data, sources };
}
