// A kernel tarball on an HTTP(S) server: downloaded once into the cache, then handled as a tarball on disk.
import { access, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { KernelSource, Progress, SourceIdentity } from '@testlab/core';
import { downloadFile, type DownloadOptions } from './download.js';
import { sha256Text } from './hash.js';
import { TarballSource } from './tarball.js';
import { HTTP_SCHEMES, redactUrl, validateRemoteUrl } from './validate.js';

export class UrlSource implements KernelSource {
  readonly description: string;
  private readonly url: URL;
  private readonly label: string;
  private cached: { file: string; source: TarballSource } | undefined;

  constructor(urlText: string, private readonly options: DownloadOptions = {}) {
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
      await rm(this.cachedFile(cacheDir), { force: true });
      throw error;
    }
  }

  private cachedFile(cacheDir: string): string {
    // Named by the URL's hash: a URL never becomes a path.
    return path.join(cacheDir, 'downloads', sha256Text(this.url.href));
  }

  private async tarball(cacheDir: string, progress: Progress): Promise<TarballSource> {
    const file = this.cachedFile(cacheDir);
    const present = await access(file).then(() => true, () => false);
    if (!present) {
      await mkdir(path.dirname(file), { recursive: true });
      await downloadFile(this.url, file, progress, this.options);
    }
    // One TarballSource per call would lose the identified hash (checked again at extraction); keep it per file.
    if (this.cached?.file !== file) this.cached = { file, source: new TarballSource(file, this.label) };
    return this.cached.source;
  }
}
