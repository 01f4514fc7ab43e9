// v6LC.1.2.3 Unrecognized Next Header in Extension Header - End Node (RFC 8200 §4, RFC 4443 §3.4): Parameter
// Problem code 1 pointing at the extension header's Next Header field (A); a header that is not the one the
// Next Header names is read as the named one (B).
import type { FrameSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { echoRequest } from '../vocabulary/echo.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { sleep } from '../vocabulary/timing.js';

const UNRECOGNIZED = [138, 200, 252];

const unrecognizedNextHeaderInExtension: CaseDefinition = {
  id: 'v6LC.1.2.3-A',
  title: 'Unrecognized Next Header in Extension Header - End Node: Part A: Unrecognized Next Header in Extension Header (Multiple Values)',
  rfc: 'RFC 8200 §4',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    for (const nh of UNRECOGNIZED) {
      const frame: FrameSpec = {
        eth: { src: tn1.mac, dst: nut.mac },
        ipv6: { src: tn1.address, dst: nut.linkLocal },
        extensionHeaders: [{ type: 'destination-options' }],
        payload: { nextHeader: nh, bytes: pattern(16) },
      };
      // The pointer names the Next Header field of the Destination Options header (offset 40).
      const r = await expectIcmpError(ctx, frame, tn1.address, { type: 'parameter-problem', code: 1, pointer: 40 }, { rfc: 'RFC 8200 §4, RFC 4443 §3.4', what: `next header ${nh} in a Destination Options header` });
      if ('failed' in r) return r.failed;
      await sleep(1_100); // ICMPv6 error rate limiting must not decide the next value
    }
    return pass(`Parameter Problem code 1 pointer 40 for next headers ${UNRECOGNIZED.join(', ')}`);
  },
};

/**
 * TAHI's EX_NH_UnexpectedEN: a Destination Options header whose Next Header says Destination Options (60)
 * while a Fragment header follows (offset 0x10E0, Res 2, M clear). Read as Destination Options, as the NUT
 * must, its offset field is an option of type 0x87 (10b) with 4 octets of data: Parameter Problem code 2
 * pointing at offset 50.
 */
const unexpectedNextHeaderInExtension: CaseDefinition = {
  id: 'v6LC.1.2.3-B',
  title: 'Unrecognized Next Header in Extension Header - End Node: Part B: Unexpected Next Header in Extension Header',
  rfc: 'RFC 8200 §4, §4.2',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const fragmentHeader = Uint8Array.of(0, 0x87, 0x04, 0, 0, 0, 0); // after its Next Header: reserved, offset 0x10E0 | Res 2 | M 0, Identification 0
    const frame: FrameSpec = {
      ...echoRequest(tn1, { mac: nut.mac, address: nut.linkLocal }, 0xffff, 1, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)),
      extensionHeaders: [{ type: 'destination-options', options: [{ type: 1, data: new Uint8Array(4) }] }, { type: 'raw', protocol: 60, body: fragmentHeader }],
    };
    const r = await expectIcmpError(ctx, frame, tn1.address, { type: 'parameter-problem', code: 2, pointer: 50 }, { rfc: 'RFC 8200 §4.2', what: 'a Fragment header behind a Destination Options header whose Next Header is 60' });
    return 'failed' in r ? r.failed : pass('Parameter Problem code 2 pointer 50: the Fragment header was read as the Destination Options header announced');
  },
};

export const cases: CaseDefinition[] = [unrecognizedNextHeaderInExtension, unexpectedNextHeaderInExtension];
