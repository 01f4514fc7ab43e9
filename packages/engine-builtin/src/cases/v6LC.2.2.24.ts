// v6LC.2.2.24 Router Advertisement DNS (RFC 8106 §5.1, §5.2): a router configured with a recursive DNS
// server (Part A) or a DNS search list (Part B) advertises it in an RDNSS or DNSSL option, with a lifetime
// between MaxRtrAdvInterval and 2 x MaxRtrAdvInterval (RFC 8106 §5.1 SHOULD; radvd's default is the upper
// bound). radvd builds the options; the kernel only sends them.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { advertiseAsSet } from '../vocabulary/ra-answers.js';
import { dnsslOptions, raOf, rdnssOptions } from '../vocabulary/router-solicitations.js';

const TEST = 'Router Advertisement DNS (Routers Only)';
const MAX_INTERVAL_S = 600;
/** TN1's link-local address, which TAHI names as the DNS server. */
const DNS_SERVER = 'fe80::200:ff:fe00:100';
const DOMAIN = 'test.example.com';

const inBounds = (lifetime: number) => lifetime >= MAX_INTERVAL_S && lifetime <= 2 * MAX_INTERVAL_S;

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.2.24-A',
    title: `${TEST}: Part A: Recursive DNS Option`,
    rfc: 'RFC 8106 §5.1',
    appliesTo: ['router', 'security-gateway'],
    timeoutMs: 30_000,
    async run(ctx) {
      const { adv } = await advertiseAsSet(ctx, { rdnss: { address: DNS_SERVER, lifetime: 2 * MAX_INTERVAL_S } });
      const ra = adv.initial.get('Link0');
      if (!ra) return fail('RFC 4861 §6.2.4', 'an RA once Link0 advertises', ctx.link().seenSinceSend());
      const rdnss = rdnssOptions(raOf(ra));
      const o = rdnss.find((x) => x.addresses.includes(DNS_SERVER));
      if (!o) return fail('RFC 8106 §5.1', `an RDNSS option naming ${DNS_SERVER}`, rdnss.length ? `RDNSS for ${rdnss.flatMap((x) => x.addresses).join(', ')}` : 'no RDNSS option');
      if (!inBounds(o.lifetime)) return fail('RFC 8106 §5.1', `an RDNSS lifetime between MaxRtrAdvInterval and twice that (${MAX_INTERVAL_S}..${2 * MAX_INTERVAL_S} s)`, `${o.lifetime} s`);
      return pass(`the RA names ${DNS_SERVER} as recursive DNS server for ${o.lifetime} s`);
    },
  },
  {
    id: 'v6LC.2.2.24-B',
    title: `${TEST}: Part B: Search List Option`,
    rfc: 'RFC 8106 §5.2',
    appliesTo: ['router', 'security-gateway'],
    timeoutMs: 30_000,
    async run(ctx) {
      const { adv } = await advertiseAsSet(ctx, { dnssl: { domain: DOMAIN, lifetime: 2 * MAX_INTERVAL_S } });
      const ra = adv.initial.get('Link0');
      if (!ra) return fail('RFC 4861 §6.2.4', 'an RA once Link0 advertises', ctx.link().seenSinceSend());
      const dnssl = dnsslOptions(raOf(ra));
      const o = dnssl.find((x) => x.domains.includes(DOMAIN));
      if (!o) return fail('RFC 8106 §5.2', `a DNSSL option with ${DOMAIN}`, dnssl.length ? `DNSSL for ${dnssl.flatMap((x) => x.domains).join(', ')}` : 'no DNSSL option');
      if (!inBounds(o.lifetime)) return fail('RFC 8106 §5.2', `a DNSSL lifetime between MaxRtrAdvInterval and twice that (${MAX_INTERVAL_S}..${2 * MAX_INTERVAL_S} s)`, `${o.lifetime} s`);
      return pass(`the RA carries the search list ${DOMAIN} for ${o.lifetime} s`);
    },
  },
];
