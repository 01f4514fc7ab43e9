// A kernel tarball on an HTTP(S) server: downloaded once into the cache by the lab's one downloader (the
// watcher's: retries, resume of a cut download, truncation refused, the same cache file a watched and
// verified tarball was fetched into), then handled as a tarball on disk.
import type { KernelSource, Progress, SourceIdentity } from '@testlab/core';
import { downloadToCache, dropCached, redactUrl, type HttpOptions } from '@testlab/transport';
import { TarballSource } from './tarball.js';
import { HTTP_SCHEMES, validateRemoteUrl } from './validate.js';

export class UrlSource implements KernelSource {
  readonly description: string;
  private readonly url: URL;
  private readonly label: string;
  private cached: { file: string; source: TarballSource } | undefined;

  constructor(urlText: string, private readonly options: HttpOptions = {}) {
    this.url = validateRemoteUrl(urlText, HTTP_SCHEMES);
    this.label = redactUrl(this.url.href);
    this.description = `tarball ${this.label}`;
  }

  /**
   * Release tarball URLs do not change content, so a finished download is reused as is; its sha256 is still
   * computed every time, and that (not the URL) is the identity.
   */
  async identify(cacheDir: string, progress: Progress): Promise<SourceIdentity> {
    return (await this.tarball(cacheDir, progress)).identify(cacheDir, progress);
  }

  async extractTo(dir: string, cacheDir: string, progress: Progress): Promise<void> {
    const tarball = await this.tarball(cacheDir, progress);
    try {
      await tarball.extractTo(dir, cacheDir, progress);
    } catch (error) {
      // A server may answer 200 with an error page: do not keep that as "the download" for every later run.
      if (this.cached) await dropCached(this.cached);
      throw error;
    }
  }

  private async tarball(cacheDir: string, progress: Progress): Promise<TarballSource> {
    const { file } = await downloadToCache(this.url.href, cacheDir, progress, this.options);
    // One TarballSource per call would lose the identified hash (checked again at extraction); keep it per file.
    if (this.cached?.file !== file) this.cached = { file, source: new TarballSource(file, this.label) };
    return this.cached.source;
  }
}
