// v6LC.2.2.5 Router Sends Valid Router Advertisement (RFC 4861 §6.2.3, §4.2): a router NUT (radvd on
// Link0) answers a Router Solicitation with an RA from its link-local address to all-nodes, hop limit 255,
// code 0, its SLLA, and the Link0 prefix it advertises.
import { multicastMac, normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { isRa } from '../vocabulary/nd-messages.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 4861 §6.2.3';

const routerSendsValidRa: CaseDefinition = {
  id: 'v6LC.2.2.5',
  title: 'Router Sends Valid Router Advertisement (Routers Only)',
  rfc: RFC,
  appliesTo: ['router', 'security-gateway'],
  async run(ctx) {
    const nut = ctx.nutOn();
    await ctx.link().send(
      { eth: { src: ND_TN1.mac, dst: multicastMac('ff02::2') }, ipv6: { src: ND_TN1.address, dst: 'ff02::2', hopLimit: 255 }, icmpv6: { type: 'router-solicitation', options: [{ type: 'source-lla', mac: ND_TN1.mac }] } },
      'TN1 solicits routers',
    );
    // MAX_RA_DELAY_TIME (0.5 s), but MIN_DELAY_BETWEEN_RAS (3 s) may hold the answer back after a recent RA.
    const got = await ctx.link().expect((f) => isRa(f) && f.eth?.src === nut.mac, 4_000);
    if (!got) return fail(RFC, 'a Router Advertisement within MIN_DELAY_BETWEEN_RAS + MAX_RA_DELAY_TIME', ctx.link().seenSinceSend());
    const f = got.frame;
    const m = f.icmpv6;
    if (m?.type !== 'router-advertisement') throw new Error('unreachable');
    const problems: string[] = [];
    if (normalizeIpv6(f.ipv6!.src) !== nut.linkLocal) problems.push(`source ${f.ipv6!.src} (not its link-local address)`);
    if (f.ipv6!.hopLimit !== 255) problems.push(`hop limit ${f.ipv6!.hopLimit}`);
    if (m.code !== 0) problems.push(`code ${m.code}`);
    if (!m.checksumOk) problems.push('a wrong checksum');
    const dst = normalizeIpv6(f.ipv6!.dst);
    if (dst !== 'ff02::1' && dst !== ND_TN1.address) problems.push(`destination ${dst}`);
    if (m.options.some((o) => o.type === 'source-lla' && o.mac !== nut.mac)) problems.push('an SLLA option that is not its MAC');
    const prefix = m.options.find((o) => o.type === 'prefix-info' && normalizeIpv6(o.prefix) === normalizeIpv6(LINK0_PREFIX));
    if (!prefix || prefix.type !== 'prefix-info' || prefix.prefixLength !== 64 || !prefix.onLink || !prefix.autonomous) problems.push(`no prefix option for ${LINK0_PREFIX}/64 with L and A set`);
    if (problems.length) return fail(RFC, 'a valid RA from the link-local address with the Link0 prefix', `an RA with ${problems.join(', ')}`);
    return pass(`valid RA to ${dst}: router lifetime ${m.routerLifetime} s, prefix ${LINK0_PREFIX}/64`);
  },
};

export const cases: CaseDefinition[] = [routerSendsValidRa];
