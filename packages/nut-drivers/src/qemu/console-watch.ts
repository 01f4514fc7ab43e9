// Follows the console log QEMU writes (its serial port goes straight to the file) and notes the lines
// the boot waits for. Only whole lines are matched, so a marker split across two reads still counts once.
import { open, type FileHandle } from 'node:fs/promises';
import { ERROR_PREFIX, OOPS_TEXTS, PANIC_TEXT, READY_MARKER } from './protocol.js';

export class ConsoleWatch {
  /** Bytes of console output seen so far. */
  bytes = 0;
  ready = false;
  /** The first `Kernel panic` line. */
  panicLine: string | undefined;
  /** The first oops line (`Call Trace:`, `RIP:`): the boot may still finish, the kernel is broken anyway. */
  oopsLine: string | undefined;
  /** The first `TESTLAB-NUT-ERROR: ...` line from /init. */
  errorLine: string | undefined;
  private partial = '';
  private file: FileHandle | undefined;
  private readonly buffer = Buffer.alloc(64 * 1024);

  constructor(readonly path: string) {}

  /** Reads whatever was appended since the last call. */
  async poll(): Promise<void> {
    if (this.file === undefined) {
      try {
        this.file = await open(this.path, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // QEMU has not created it yet
        throw error;
      }
    }
    for (;;) {
      const { bytesRead } = await this.file.read(this.buffer, 0, this.buffer.length, this.bytes);
      if (bytesRead === 0) return;
      this.bytes += bytesRead;
      this.scan(this.buffer.toString('latin1', 0, bytesRead));
    }
  }

  private scan(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    // A panic message may be the last thing printed, without a newline before QEMU exits.
    if (this.panicLine === undefined && this.partial.includes(PANIC_TEXT)) this.panicLine = this.partial.trim();
    for (const raw of lines) {
      const line = raw.replace(/\r$/, '').trim();
      if (line === READY_MARKER) this.ready = true;
      if (this.errorLine === undefined && line.startsWith(ERROR_PREFIX)) this.errorLine = line;
      if (this.panicLine === undefined && line.includes(PANIC_TEXT)) this.panicLine = line;
      if (this.oopsLine === undefined && OOPS_TEXTS.some((t) => line.includes(t))) this.oopsLine = line;
    }
  }

  async close(): Promise<void> {
    await this.file?.close();
    this.file = undefined;
  }
}
