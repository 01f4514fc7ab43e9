// What each make target of Self_Test 5.0.7 and IPsec_Self_Test_P2 runs: the sections, their INDEX files
// (in the order the section Makefile passes them to one autorun call) and the report title.
// Source: the INDEX files and READMEs in shared/reference/tahi-self-test-5.0.7 and tahi-ipsec-self-test-p2.

export interface SectionRun {
  /** Which installed suite: Self_Test (core) or IPsec_Self_Test_P2 (ipsec). */
  suite: 'core' | 'ipsec';
  /** The section folder inside the suite, e.g. `nd.p2`. */
  section: string;
  indexFiles: readonly string[];
  /** autorun's -title. */
  title: string;
}

const CORE_TITLES: Record<string, string> = {
  'spec.p2': 'Section 1: RFC 8200 - IPv6 Specification',
  'nd.p2': 'Section 2: RFC 4861 - Neighbor Discovery for IPv6',
  'addr.p2': 'Section 3: RFC 4862 - IPv6 Stateless Address Autoconfiguration',
  'pmtu.p2': 'Section 4: RFC 8201 - Path MTU Discovery for IPv6',
  'icmp.p2': 'Section 5: RFC 4443 - ICMPv6',
};

function core(phase: 'p1' | 'p2', node: 'host' | 'router' | 'special'): SectionRun[] {
  const upper = `${phase.toUpperCase()}_${node.toUpperCase()}`;
  const icmp = `${phase.toUpperCase()}_${node}`;
  const files: [string, string[]][] = [
    ['spec.p2', [`INDEX_${phase}_${node}`]],
    ['nd.p2', [`INDEX_ND_${phase}_${node}`, `INDEX_RD_${phase}_${node}`, `INDEX_REDIRECT_${phase}_${node}`]],
    ['addr.p2', [`INDEX_${upper}`]],
    ['pmtu.p2', [`INDEX_${phase}_${node}`]],
    // Phase-2 icmp starts with INDEX_BEGIN_ume (the NUT's initialisation); Phase-1 is assumed to do the same.
    ['icmp.p2', ['INDEX_BEGIN_ume', `INDEX_${icmp}`]],
  ];
  return files.map(([section, indexFiles]) => ({ suite: 'core', section, indexFiles, title: CORE_TITLES[section]! }));
}

const ipsec = (files: string[], title: string): SectionRun[] => [{ suite: 'ipsec', section: 'ipsec.p2', indexFiles: files, title }];

/** The make targets the lab knows, each as the autorun calls it stands for. */
export const TAHI_TARGETS: Readonly<Record<string, readonly SectionRun[]>> = {
  ipv6ready_p1_host: core('p1', 'host'),
  ipv6ready_p1_router: core('p1', 'router'),
  ipv6ready_p1_special: core('p1', 'special'),
  ipv6ready_p2_host: core('p2', 'host'),
  ipv6ready_p2_router: core('p2', 'router'),
  ipv6ready_p2_end_node: ipsec(['INDEX_P2_HOST'], 'IPsec End-Node'),
  ipv6ready_p2_end_node_udp: ipsec(['INDEX_P2_HOST_UDP'], 'IPsec End-Node (UDP)'),
  ipv6ready_p2_sgw: ipsec(['INDEX_P2_SGW'], 'IPsec Security Gateway'),
  ipv6ready_p2_sgw_udp: ipsec(['INDEX_P2_SGW_UDP'], 'IPsec Security Gateway (UDP)'),
};

export function sectionsOfTarget(target: string): readonly SectionRun[] {
  const runs = Object.hasOwn(TAHI_TARGETS, target) ? TAHI_TARGETS[target] : undefined;
  if (!runs) throw new Error(`unknown TAHI target "${target.slice(0, 60)}" (known: ${Object.keys(TAHI_TARGETS).join(', ')})`);
  return runs;
}
