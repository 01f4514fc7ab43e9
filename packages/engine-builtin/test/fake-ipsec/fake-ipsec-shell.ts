// The fake IPsec NUT's management shell: the argv the IPsec cases and modes send a real NUT (`ip xfrm
// state|policy add|flush`, `ip -6 route flush cache`, `cat /proc/net/xfrm_stat`, `ping -6`), acted on
// against the fake's SAD, SPD and path MTUs; anything else fails as an unknown command would.
import type { FakePolicy, FakeState } from './xfrm.js';
import { parsePolicy, parseState } from './xfrm.js';

export interface ShellState {
  sad: FakeState[];
  spd: FakePolicy[];
  pmtu: Map<string, number>;
  stats: Map<string, number>;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Shell {
  exec(argv: string[]): Promise<ExecResult>;
  /** Every command, in order, as the case sent it. */
  commands: string[][];
}

const IP = '/usr/sbin/ip';
const STATS = ['XfrmInError', 'XfrmInNoStates', 'XfrmInStateProtoError', 'XfrmInStateSeqError', 'XfrmInStateModeError', 'XfrmInPolBlock', 'XfrmFwdHdrError', 'XfrmOutNoStates', 'XfrmOutPolBlock', 'XfrmInHdrError'];

export function ipsecShell(state: ShellState, node: { ping(dst: string, id: number): Promise<boolean> }): Shell {
  const commands: string[][] = [];
  let pingId = 0x7000;
  const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });
  const failed = (stderr: string): ExecResult => ({ code: 1, stdout: '', stderr });
  async function exec(argv: string[]): Promise<ExecResult> {
    commands.push(argv);
    const [cmd, ...rest] = argv;
    try {
      if (cmd === IP && rest[0] === 'xfrm' && rest[1] === 'state' && rest[2] === 'add') {
        const s = parseState(rest.slice(3));
        if (state.sad.some((x) => x.sa.spi === s.sa.spi && x.sa.dst === s.sa.dst)) return failed('RTNETLINK answers: File exists');
        state.sad.push(s);
        return ok();
      }
      if (cmd === IP && rest[0] === 'xfrm' && rest[1] === 'policy' && rest[2] === 'add') {
        state.spd.push(parsePolicy(rest.slice(3)));
        return ok();
      }
      if (cmd === IP && rest[0] === 'xfrm' && rest.length === 3 && rest[2] === 'flush') {
        if (rest[1] === 'state') state.sad.length = 0;
        else if (rest[1] === 'policy') state.spd.length = 0;
        else return failed(`Object "${rest[1]}" is unknown`);
        return ok();
      }
      if (cmd === IP && rest.join(' ') === '-6 route flush cache') {
        state.pmtu.clear();
        return ok();
      }
      if (cmd === 'cat' && rest.join(' ') === '/proc/net/xfrm_stat') return ok(STATS.map((s) => `${s.padEnd(32)}\t${state.stats.get(s) ?? 0}`).join('\n') + '\n');
      if (cmd === 'ping' && rest.length === 6 && rest.slice(0, 5).join(' ') === '-6 -c 1 -W 5') {
        const answered = await node.ping(rest[5]!, pingId++);
        return answered ? ok('1 packets transmitted, 1 received\n') : { code: 1, stdout: '1 packets transmitted, 0 received\n', stderr: '' };
      }
      return failed(`fake NUT: unknown command ${argv.join(' ')}`);
    } catch (err) {
      return failed((err as Error).message);
    }
  }
  return { exec, commands };
}

/** A packet without extension headers cut into fragments of at most `mtu` octets (RFC 8200 §4.5). */
export function fragmentsOf(ip: Uint8Array, mtu: number): Uint8Array[] {
  const size = (mtu - 48) & ~7;
  const body = ip.subarray(40);
  const id = (Math.random() * 0xffffffff) >>> 0;
  const out: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += size) {
    const data = body.subarray(at, at + size);
    const more = at + size < body.length;
    const piece = new Uint8Array(48 + data.length);
    piece.set(ip.subarray(0, 40));
    piece[6] = 44;
    const view = new DataView(piece.buffer);
    view.setUint16(4, 8 + data.length);
    piece[40] = ip[6]!;
    view.setUint16(42, at | (more ? 1 : 0));
    view.setUint32(44, id);
    piece.set(data, 48);
    out.push(piece);
  }
  return out;
}
