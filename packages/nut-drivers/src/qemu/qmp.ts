// Power control of a machine-like QEMU VM over its QMP socket, as a BMC controls a machine: the SSH machine
// driver's `powerCycle` command for such a VM is infra/qemu/power.mjs, which calls this. QMP speaks one
// JSON object per line: a greeting, then `qmp_capabilities`, then commands, each answered by `return` or
// `error` (asynchronous `event` lines may come in between and are skipped).
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';

export type PowerAction =
  /** Reset the machine (firmware, then its default kernel) and make sure it runs: a power cycle. */
  | 'cycle'
  /** Freeze the CPUs: SSH and the console go silent, as on a machine that hung hard. */
  | 'freeze'
  /** Let frozen CPUs run again. */
  | 'thaw';

const COMMANDS: Record<PowerAction, string[]> = {
  // `cont` after the reset: a frozen VM stays frozen across system_reset.
  cycle: ['system_reset', 'cont'],
  freeze: ['stop'],
  thaw: ['cont'],
};

export class QmpError extends Error {
  override name = 'QmpError';
}

export async function qmpExecute(socket: string, commands: readonly string[], timeoutMs = 10_000): Promise<void> {
  const conn = createConnection(socket);
  const timer = setTimeout(() => conn.destroy(new QmpError(`QMP ${socket}: no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  const failed = new Promise<never>((_, reject) => conn.once('error', (e) => reject(new QmpError(`QMP ${socket}: ${e.message}`))));
  failed.catch(() => undefined);
  try {
    const lines = createInterface({ input: conn })[Symbol.asyncIterator]();
    const next = async (): Promise<Record<string, unknown>> => {
      for (;;) {
        const line = await Promise.race([lines.next(), failed]);
        if (line.done) throw new QmpError(`QMP ${socket}: connection closed`);
        const message = JSON.parse(line.value) as Record<string, unknown>;
        if (!('event' in message)) return message;
      }
    };
    const greeting = await next();
    if (!('QMP' in greeting)) throw new QmpError(`QMP ${socket}: unexpected greeting ${JSON.stringify(greeting).slice(0, 200)}`);
    for (const command of ['qmp_capabilities', ...commands]) {
      conn.write(`${JSON.stringify({ execute: command })}\n`);
      const answer = await next();
      if ('error' in answer) throw new QmpError(`QMP ${socket}: ${command} failed: ${JSON.stringify(answer.error).slice(0, 300)}`);
    }
  } finally {
    clearTimeout(timer);
    conn.destroy();
  }
}

export function powerControl(socket: string, action: PowerAction): Promise<void> {
  const commands = Object.hasOwn(COMMANDS, action) ? COMMANDS[action] : undefined;
  if (commands === undefined) return Promise.reject(new QmpError(`unknown power action ${JSON.stringify(action)}: cycle, freeze or thaw`));
  return qmpExecute(socket, commands);
}
