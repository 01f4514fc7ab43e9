// IPsec.5.3.5 TFC Padding (Tunnel Mode) (p2_HTR_E_tunnelTFCPadding.seq): the inner packet from HOST1_NET2
// is followed by 8 octets of TFC padding inside the tunnel's ESP; the NUT must take the inner packet by
// its own Payload Length and answer it (RFC 4303 §2.7).
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, sgwTunnel } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';
import { DUMMY_TFC } from '../vocabulary/ipsec-test-data.js';

const RFC = 'RFC 4303 §2.7';

export const cases = ipsecCases({
  n: '5.3.5',
  title: 'TFC Padding (Tunnel Mode), ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  // TAHI checks both: the test's own feature and tunnel mode (ipsecCheckNUT twice).
  requires: ['TFC_PADDING_TUNNEL_SUPPORT', 'TUNNEL_MODE_WITH_SGW_SUPPORT'],
  async run(ctx, app) {
    const tunnel = sgwTunnel(ctx);
    await setNutIpsec(ctx, tunnel.states, tunnel.policies);
    const t = talk(app, 1);
    const r = await echoNut(ctx, { talk: t, host: END.host1Net2, send: tunnel.toNut, innerTrailer: DUMMY_TFC, note: 'HOST1_NET2 through SGW1, 8 octets of TFC padding after the inner packet' }, tunnel.fromNut, tunnel.states.map((s) => s.sa));
    if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} through the tunnel to SGW1, the TFC padding ignored`, r);
    return pass('the inner packet followed by TFC padding was answered');
  },
});
