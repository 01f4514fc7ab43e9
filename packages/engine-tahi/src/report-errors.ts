/** A TAHI report that cannot be trusted: says which file and what is wrong with it. */
export class TahiReportError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'TahiReportError';
  }
}
