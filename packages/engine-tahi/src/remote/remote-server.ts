// The lab's end of the remote-control channel: one line per call from a .rmt client, answered with the
// log of what ran on the NUT and `exit <code>`. The token keeps other users of the tester off the NUT.
import { timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { performRemoteCall, RMT_EXIT, type RemoteCallContext } from './remote-calls.js';

export interface RemoteCallRecord {
  call: string;
  args: string[];
  code: number;
  log: string[];
}

/** Handles one connection; `onCall` sees every call (for the run's log and the progress display). */
export function serveRemoteCall(stream: Duplex, token: string, ctx: RemoteCallContext, onCall: (r: RemoteCallRecord) => void): void {
  let buffer = '';
  let done = false;
  const reply = (lines: string[], code: number) => {
    done = true;
    stream.end(`${lines.map((l) => l.replace(/[\r\n]+/g, ' ')).join('\n')}${lines.length ? '\n' : ''}exit ${code}\n`);
  };
  stream.on('error', () => {});
  stream.on('data', (chunk: Buffer) => {
    if (done) return;
    buffer += chunk.toString('utf8');
    if (buffer.length > 16 * 1024) return reply(['testlab: request too long'], RMT_EXIT.failed);
    const nl = buffer.indexOf('\n');
    if (nl === -1) return;
    const [given = '', call = '', ...args] = buffer.slice(0, nl).split('\t');
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return reply(['testlab: wrong token: this call does not come from the current run'], RMT_EXIT.failed);
    done = true;
    void performRemoteCall(call, args, ctx).then(({ code, log }) => {
      onCall({ call, args, code, log });
      done = false;
      reply(log, code);
    });
  });
}
