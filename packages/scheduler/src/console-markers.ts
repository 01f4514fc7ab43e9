// What on a NUT's console says the kernel broke. Linux prints `Kernel panic - not syncing: ...` when it
// gives up, and an oops or a BUG/WARN with a backtrace prints `Call Trace:` and, on x86, the faulting
// instruction pointer as `RIP: ...`. Any of them during a run is the kernel's failure, not the lab's.
import { open, type FileHandle } from 'node:fs/promises';

export const CONSOLE_MARKERS = [
  { marker: 'Kernel panic', what: 'panic' },
  { marker: 'Call Trace:', what: 'oops' },
  { marker: 'RIP:', what: 'oops' },
] as const;
export type ConsoleTrouble = (typeof CONSOLE_MARKERS)[number]['what'];

export interface ConsoleFinding {
  what: ConsoleTrouble;
  line: string;
}

/** The first marker line in `text` (whole lines only), or undefined. */
export function findTrouble(text: string): ConsoleFinding | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    for (const { marker, what } of CONSOLE_MARKERS) if (line.includes(marker)) return { what, line };
  }
  return undefined;
}

/** Follows a console log as it grows, from where it was when the tail started. */
export class ConsoleTail {
  private offset = 0;
  private partial = '';
  private file: FileHandle | undefined;
  private readonly buffer = Buffer.alloc(64 * 1024);
  finding: ConsoleFinding | undefined;

  constructor(readonly path: string) {}

  /** Reads what was appended; sets `finding` at the first marker line (a line still being written waits). */
  async poll(): Promise<ConsoleFinding | undefined> {
    if (this.file === undefined) {
      try {
        this.file = await open(this.path, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    }
    for (;;) {
      const { bytesRead } = await this.file.read(this.buffer, 0, this.buffer.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      const lines = (this.partial + this.buffer.toString('latin1', 0, bytesRead)).split('\n');
      this.partial = lines.pop() ?? '';
      this.finding ??= findTrouble(lines.join('\n'));
    }
    // A panic is often the last thing printed, with no newline before the machine stops.
    this.finding ??= findTrouble(this.partial);
    return this.finding;
  }

  async close(): Promise<void> {
    await this.file?.close();
    this.file = undefined;
  }
}
