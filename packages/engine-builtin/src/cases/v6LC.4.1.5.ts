// v6LC.4.1.5 Reduce PMTU Off-link (RFC 8201 §4): after TR1's Packet Too Big about an off-link node, quoting
// the Echo Reply the NUT sent that node, the NUT's replies to it fit the reported MTU.
import { pass, type CaseDefinition } from '../runner/case.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { answeredWithin, isVerdict, offLinkPath, packetTooBig, wholeAtFirst } from '../vocabulary/path-mtu.js';
import { MIN_MTU } from '../vocabulary/tahi-network.js';

const RFC = 'RFC 8201 §4';

const reducePmtuOffLink: CaseDefinition = {
  id: 'v6LC.4.1.5',
  title: 'Reduce PMTU Off-link',
  rfc: RFC,
  appliesTo: ALL_MODES,
  async run(ctx) {
    const { p, tr1 } = await offLinkPath(ctx, 0x50);
    const first = await wholeAtFirst(ctx, p);
    if (isVerdict(first)) return first;
    await packetTooBig(ctx, p, tr1, MIN_MTU, first.largest, 0, 'the Echo Reply to the off-link TN2');
    const after = await answeredWithin(ctx, p, 2, MIN_MTU, RFC, `to the off-link TN2 after TR1's Packet Too Big with MTU ${MIN_MTU}`);
    return after ?? pass(`replies to the off-link TN2 fit ${MIN_MTU} octets in two fragments after TR1's Packet Too Big`);
  },
};

export const cases: CaseDefinition[] = [reducePmtuOffLink];
