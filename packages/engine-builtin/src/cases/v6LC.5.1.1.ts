// v6LC.5.1.1 Transmitting Echo Requests (RFC 4443 §4.1): asked to ping TN1's link-local address (its own ping,
// TAHI's ping6.rmt), the NUT sends an Echo Request from its link-local address, and takes TN1's Echo Reply.
import { normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 4443 §4.1';

const transmittingEchoRequests: CaseDefinition = {
  id: 'v6LC.5.1.1',
  title: 'Transmitting Echo Requests',
  rfc: RFC,
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const isRequest = (f: DecodedFrame) => f.icmpv6?.type === 'echo-request' && normalizeIpv6(f.ipv6?.dst ?? '::') === tn1.address;
    // TN1 answers the NUT's Echo Requests as any node would.
    const stop = ctx.link().onReceive((r) => {
      const m = r.frame.icmpv6;
      if (!isRequest(r.frame) || m?.type !== 'echo-request') return;
      void ctx.link().answer({ eth: { src: tn1.mac, dst: nut.mac }, ipv6: { src: tn1.address, dst: r.frame.ipv6!.src }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } }, 'TN1 answers the NUT');
    });
    ctx.link().markNow();
    const ping = await ctx.nutExec(['ping', '-6', '-c', '1', '-W', '2', '-I', nut.ifname, tn1.address], 20_000).finally(stop);
    const request = await ctx.link().expect(isRequest, 500);
    if (!request) return fail(RFC, `an Echo Request from the NUT to TN1 (${tn1.address}) when its ping is run`, `nothing (ping exit ${ping.code})`);
    const m = request.frame.icmpv6!;
    const src = normalizeIpv6(request.frame.ipv6!.src);
    if (src !== nut.linkLocal) return fail('RFC 4443 §2.2', `the Echo Request from the NUT's link-local address ${nut.linkLocal}`, `it from ${src}`);
    if (m.code !== 0 || (m.type === 'echo-request' && !m.checksumOk)) return fail(RFC, 'an Echo Request with code 0 and a valid checksum', `code ${m.code}${m.type === 'echo-request' && !m.checksumOk ? ', a wrong checksum' : ''}`);
    return pass(`Echo Request from ${src} to TN1${ping.code === 0 ? '; ping took TN1\'s Echo Reply' : ` (ping exit ${ping.code})`}`);
  },
};

export const cases: CaseDefinition[] = [transmittingEchoRequests];
