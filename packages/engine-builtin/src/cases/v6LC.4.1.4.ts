// v6LC.4.1.4 Reduce PMTU On-link (RFC 8201 §4): after a Packet Too Big with MTU 1280 from an on-link node,
// quoting the Echo Reply the NUT sent it, the NUT's replies to it come in two fragments of at most 1280
// octets; TAHI repeats it at the global address (from another node here, so the first path MTU does not
// carry over).
import { pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { globalOf, nutGlobalOnLink0 } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { answeredWithin, isVerdict, onLinkPath, packetTooBig, wholeAtFirst, type Path } from '../vocabulary/path-mtu.js';
import { MIN_MTU } from '../vocabulary/tahi-network.js';
import { tnWithMac } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 8201 §4';

async function reduceOn(ctx: CaseContext, p: Path, where: string): Promise<CaseVerdict | undefined> {
  const first = await wholeAtFirst(ctx, p);
  if (isVerdict(first)) return first;
  await packetTooBig(ctx, p, p.from, MIN_MTU, first.largest, 0, 'the Echo Reply it sent');
  return answeredWithin(ctx, p, 2, MIN_MTU, RFC, `at the ${where} address after a Packet Too Big with MTU ${MIN_MTU}`);
}

const reduceOnLink: CaseDefinition = {
  id: 'v6LC.4.1.4',
  title: 'Reduce PMTU On-link',
  rfc: RFC,
  appliesTo: ALL_MODES,
  async run(ctx) {
    const linkLocal = await reduceOn(ctx, onLinkPath(ctx, 0x40), 'link-local');
    if (linkLocal) return linkLocal;
    const spec = tnWithMac('TN1', 0x4141);
    const from = ctx.node({ ...spec, address: globalOf(spec.mac) });
    const global = await reduceOn(ctx, { from, viaMac: from.mac, nut: (await nutGlobalOnLink0(ctx, from)).nut }, 'global');
    return global ?? pass(`replies fit ${MIN_MTU} octets in two fragments after a Packet Too Big, at the link-local and the global address`);
  },
};

export const cases: CaseDefinition[] = [reduceOnLink];
