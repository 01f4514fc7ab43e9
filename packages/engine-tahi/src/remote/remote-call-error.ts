// How a remote call ends for TAHI: exit 0 done, 2 not supported (the test becomes "Not yet supported"),
// 32 failed.
export const RMT_EXIT = { done: 0, notSupported: 2, failed: 32 } as const;

export class RemoteCallError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = RMT_EXIT.failed,
  ) {
    super(message);
    this.name = 'RemoteCallError';
  }
}
