// Retries for HTTP: network errors, cut bodies and 5xx are retried with backoff; any other status is the
// server's final answer (a 404 stays a 404) and is not.
import { setTimeout as sleep } from 'node:timers/promises';

export interface HttpOptions {
  /** Waits before each retry; its length is the number of retries. Default 2 s, 8 s, 30 s: kernel.org's CDN recovers in seconds. */
  retryDelaysMs?: readonly number[];
  /** Give up on a response when no byte arrives for this long: a stalled server must not hang a nightly run. */
  idleTimeoutMs?: number;
  /** Refuse bodies larger than this (a hostile or broken server must not fill the disk). Kernel tarballs are ~150 MiB. */
  maxBytes?: number;
}

const DEFAULT_RETRY_DELAYS = [2_000, 8_000, 30_000];

/** The server answered with a status other than 2xx; retriable only when it says "later" (5xx, 408, 429). */
/** The body is larger than the caller takes: the size is the server's answer, and retrying would fetch it again. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    statusText = '',
  ) {
    super(`HTTP ${status} ${statusText}`.trim());
    this.name = 'HttpStatusError';
  }
  get retriable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/**
 * Runs `attempt` until it succeeds, a non-retriable error comes, or the delays are used up. `onRetry` is
 * told each failure, so long waits are visible. The last error is thrown, its message saying how many tries.
 */
export async function withRetry<T>(what: string, options: HttpOptions, attempt: () => Promise<T>, onRetry?: (text: string) => void): Promise<T> {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = error instanceof HttpStatusError ? error.retriable : !(error instanceof BodyTooLargeError);
      const delay = delays[i];
      if (!retriable || delay === undefined) {
        const tries = i + 1;
        const message = `${what} failed${tries > 1 ? ` after ${tries} tries` : ''}: ${describe(error)}`;
        throw new Error(message, { cause: error });
      }
      onRetry?.(`${what}: ${describe(error)}; retry ${i + 1}/${delays.length} in ${Math.round(delay / 1000)} s`);
      await sleep(delay);
    }
  }
}

/** fetch's errors say `fetch failed` / `terminated`; the useful part is in `cause`. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** The URL without user name and password, for labels and messages (labels end up in the lab's database). */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return JSON.stringify(text.slice(0, 200));
  }
}
