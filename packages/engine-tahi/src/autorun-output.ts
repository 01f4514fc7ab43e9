// autorun's stdout while it works: `========== TEST N ==========`, the command line, then `  -> <label>`.
// Fed chunk by chunk from the SSH channel; calls back once per finished test.
import { meaningOfLabel, type LabelMeaning } from './verdicts.js';

export interface TestOutcome {
  no: number;
  /** As autorun printed it; `meaning` is undefined for a label TAHI never writes. */
  label: string;
  meaning: LabelMeaning | undefined;
}

const TEST_LINE = /^=+ TEST ([0-9]{1,6}) =+$/;
const RESULT_LINE = /^\s*-> (.+)$/;

export class AutorunOutput {
  private buffer = '';
  private current: number | undefined;
  /** Tests that started, in order (a `TEST 1` after others means autorun began the next INDEX set). */
  readonly started: number[] = [];

  constructor(
    private readonly onStart: (no: number) => void,
    private readonly onOutcome: (outcome: TestOutcome) => void,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) !== -1) {
      this.line(this.buffer.slice(0, nl).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(nl + 1);
    }
    // A line without its newline longer than any autorun prints is noise: do not hold it forever.
    if (this.buffer.length > 64 * 1024) this.buffer = '';
  }

  end(): void {
    if (this.buffer !== '') this.line(this.buffer);
    this.buffer = '';
  }

  private line(text: string): void {
    const t = TEST_LINE.exec(text.trim());
    if (t) {
      this.current = Number(t[1]);
      this.started.push(this.current);
      this.onStart(this.current);
      return;
    }
    const r = RESULT_LINE.exec(text);
    if (r && this.current !== undefined) {
      const label = r[1]!.trim();
      this.onOutcome({ no: this.current, label, meaning: meaningOfLabel(label) });
      this.current = undefined;
    }
  }
}
