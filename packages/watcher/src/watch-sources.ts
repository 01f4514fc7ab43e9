// The registry of watch source drivers, and the watcher's configuration (from the lab's config file or the
// CLI's flags), validated with zod before any driver sees it. The schema is the lab config's `watch:`
// section (packages/lab-config/src/watch-section.ts): the config sits below the drivers it configures.
import type { z } from 'zod';
import { watchConfig, type gitTreeConfig, type releasesJsonConfig, type WatchConfig, type WatchSourceConfig } from '@testlab/lab-config';
import type { HttpOptions } from '@testlab/transport';
import { GitTreeSource } from './git-tree.js';
import { ReleasesJsonSource } from './releases-json.js';
import type { WatchSource } from './watch-source.js';

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
