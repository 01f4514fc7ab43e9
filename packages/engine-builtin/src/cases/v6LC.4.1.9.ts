// v6LC.4.1.9 Checking For Increase in PMTU (RFC 8201 §4): after a Packet Too Big the NUT must not try a
// larger path MTU for at least 5 minutes: TAHI's checkIncreasePMTU asks every 30 s for 5 minutes (11
// Echo Requests of 1440 octets from the off-link TN2) and each answer must still come in two fragments of
// at most 1304 octets. About 5.5 minutes.
import { pass, type CaseDefinition } from '../runner/case.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { answerWithin, isVerdict, offLinkPath, packetTooBig, wholeAtFirst } from '../vocabulary/path-mtu.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 8201 §4';
const SIZE = 1440;
const MTU = 1304;
const ROUNDS = 11;
const INTERVAL_MS = 30_000;

const checkForIncrease: CaseDefinition = {
  id: 'v6LC.4.1.9',
  title: 'Checking For Increase in PMTU',
  rfc: RFC,
  appliesTo: ALL_MODES,
  timeoutMs: 420_000,
  async run(ctx) {
    const { p, tr1 } = await offLinkPath(ctx, 0x90);
    const first = await wholeAtFirst(ctx, p, SIZE);
    if (isVerdict(first)) return first;
    // TAHI: code 0xff, source TR1's global address; the NUT must take it whatever the code.
    await packetTooBig(ctx, p, tr1, MTU, first.largest, 0xff, 'the Echo Reply to the off-link TN2');
    const started = Date.now();
    for (let round = 1; round <= ROUNDS; round++) {
      if (round > 1) await sleep(started + (round - 1) * INTERVAL_MS - Date.now());
      const after = `${Math.round((Date.now() - started) / 1000)} s after the Packet Too Big with MTU ${MTU}`;
      const reply = await answerWithin(ctx, p, round + 1, MTU, RFC, after, SIZE);
      if (isVerdict(reply)) return reply;
    }
    return pass(`${ROUNDS} replies over ${Math.round((Date.now() - started) / 1000)} s all came in two fragments of at most ${MTU} octets: no early increase`);
  },
};

export const cases: CaseDefinition[] = [checkForIncrease];
