// Shows a run as it goes: one line per stage with elapsed time, and inside long stages a percentage and an
// ETA. On a terminal the progress line is rewritten in place; in a log (CI, pipes) it is printed at most
// every few seconds so the log stays readable.
import type { CaseResult, Progress, RunReporter, StageName } from '@testlab/core';
import { formatDuration } from './format.js';

export function createStageReporter(out: NodeJS.WriteStream = process.stderr): RunReporter {
  const tty = Boolean(out.isTTY);
  let stageStart = Date.now();
  let lastPrint = 0;
  let step = '';
  const print = (line: string, final: boolean) => {
    if (tty) out.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else out.write(`${line}\n`);
  };
  return {
    runStarted(runId, runDir) {
      out.write(`run ${runId}: artifacts in ${runDir}\n`);
    },
    stageStarted(stage: StageName): Progress {
      stageStart = Date.now();
      lastPrint = 0;
      step = '';
      print(`[${stage}] started`, !tty);
      return {
        step(text) {
          step = text;
          print(`[${stage}] ${text}`, !tty);
        },
        fraction(value, detail) {
          const now = Date.now();
          if (now - lastPrint < (tty ? 250 : 15_000)) return;
          lastPrint = now;
          const elapsed = now - stageStart;
          const pct = value === undefined ? '' : ` ${Math.floor(value * 100)}%`;
          const eta = value && value > 0.02 ? ` ETA ${formatDuration((elapsed / value) * (1 - value))}` : '';
          print(`[${stage}]${pct} ${detail ?? step} elapsed ${formatDuration(elapsed)}${eta}`, false);
        },
      };
    },
    stageFinished(stage, how, detail) {
      const elapsed = formatDuration(Date.now() - stageStart);
      print(`[${stage}] ${how} in ${elapsed}${detail ? `: ${detail}` : ''}`, true);
    },
    caseFinished(result: CaseResult) {
      print(`  ${result.verdict.padEnd(5)} ${result.caseId} ${result.title} (${formatDuration(result.durationMs)})`, true);
    },
  };
}
