// Header fields a receiving end node must ignore (traffic class, flow label, hop limit, payload length of
// either parity): the case factory whose Echo Request carries one and must be answered as usual.
import { pass, type CaseDefinition } from '../runner/case.js';
import { echoRequest } from './echo.js';
import { ALL_MODES } from './nut-modes.js';
import { pattern } from './payload.js';
import { expectEchoReply } from './probe-outcomes.js';
import { TN1 } from './tester-nodes.js';

/** A header field a receiving end node must ignore: the Echo Request carrying it is answered as usual. */
export function answeredDespite(o: { id: string; title: string; rfc: string; what: string; field: { trafficClass?: number; flowLabel?: number; hopLimit?: number }; dataLength?: number }): CaseDefinition {
  return {
    id: o.id,
    title: o.title,
    rfc: o.rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const nut = ctx.nutOn();
      const tn1 = ctx.node(TN1);
      const frame = echoRequest(tn1, { mac: nut.mac, address: nut.linkLocal }, 0x1100, 1, pattern(o.dataLength ?? 16));
      frame.ipv6 = { ...frame.ipv6!, ...o.field };
      const failed = await expectEchoReply(ctx, frame, tn1.address, 0x1100, 1, { rfc: o.rfc, what: `an Echo Request with ${o.what}` });
      return failed ?? pass(`an Echo Request with ${o.what} was answered`);
    },
  };
}
