// The `watch:` section of the lab config: what the watcher polls (packages/watcher builds its sources from
// it). It lives here, with the rest of the file's shape, because the config sits below the drivers it
// configures: the dashboard reads this file too and must not load the watcher to do so.
import path from 'node:path';
import { z } from 'zod';

export const releasesJsonConfig = z.strictObject({
  driver: z.literal('releases-json'),
  url: z.string().optional(),
  nextRepo: z.string().optional(),
});

export const gitTreeConfig = z.strictObject({
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
