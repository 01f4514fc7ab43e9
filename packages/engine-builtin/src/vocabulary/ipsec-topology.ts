// The networks of IPsec_Self_Test_P2 (p2_HTR_ipsecaddr.def.tmpl, p2_SGW_ipsecaddr.def): which node the
// tester plays where, with TAHI's addresses and MACs, so captures read like TAHI's own.
//
//   End node (one link):                 Security gateway (two links):
//
//       NUT                                 HOST1
//        |  NET0 = Link0                      |  NET0 = Link0
//      Router (TN)                           NUT
//        |  NET1                              |  NET1 = Link1
//   HOST1  HOST2  SGW1                      Router (TN)
//                   |  NET2                   |  NET2
//                 HOST1, HOST2            SGW1   SGW2   HOST2_NET2
//                                           | NET3  | NET4
//                                      HOST2 HOST3  HOST4
//
// Everything behind the router is reached through it: the tester sends those nodes' packets from the
// router's MAC and the NUT addresses them to it.
import { linkLocalFromMac, slaacAddress } from '@testlab/packet';

export const net = (n: number): string => `3ffe:501:ffff:${n}::`;
export const netPrefix = (n: number): string => `${net(n)}/64`;

/** The tester's routers: TAHI's Router on NET0 (end node) and on NET1 (security gateway). */
export const END_NODE_ROUTER = { name: 'Router', mac: '00:00:00:00:00:0f', global: '3ffe:501:ffff::f' } as const;
export const SGW_ROUTER = { name: 'Router', mac: '00:00:00:00:00:0e', global: '3ffe:501:ffff:1::e', net2: '3ffe:501:ffff:2::e' } as const;

/** End-node topology (p2_HTR_ipsecaddr.def). The NUT's NET0 address is its SLAAC address on NET0, as TAHI's RA gives it. */
export const END = {
  routerLinkLocal: linkLocalFromMac(END_NODE_ROUTER.mac),
  host1Net1: '3ffe:501:ffff:1::1',
  host2Net1: '3ffe:501:ffff:1::2',
  sgw1Net1: '3ffe:501:ffff:1::e',
  host1Net2: '3ffe:501:ffff:2::1',
  host2Net2: '3ffe:501:ffff:2::2',
} as const;

export function endNodeAddress(nutMac: string): string {
  return slaacAddress(net(0), nutMac);
}

/** Security-gateway topology (p2_SGW_ipsecaddr.def). */
export const SGW = {
  nutNet0: '3ffe:501:ffff::f',
  nutNet1: '3ffe:501:ffff:1::f',
  host1Net0: '3ffe:501:ffff::1',
  host1Mac: '00:00:00:00:00:01',
  sgw1Net2: '3ffe:501:ffff:2::d',
  sgw2Net2: '3ffe:501:ffff:2::c',
  host2Net2: '3ffe:501:ffff:2::1',
  host2Net3: '3ffe:501:ffff:3::1',
  host3Net3: '3ffe:501:ffff:3::2',
  host4Net4: '3ffe:501:ffff:4::3',
} as const;

/** A node the tester plays on a NUT link, answering the NUT's Neighbor Solicitations for its addresses. */
export interface OnLinkNode {
  name: string;
  mac: string;
  addresses: readonly string[];
  link: 'Link0' | 'Link1';
}

export const END_NODE_NEIGHBORS: readonly OnLinkNode[] = [
  { name: 'Router', mac: END_NODE_ROUTER.mac, addresses: [linkLocalFromMac(END_NODE_ROUTER.mac), END_NODE_ROUTER.global], link: 'Link0' },
];

export const SGW_NEIGHBORS: readonly OnLinkNode[] = [
  { name: 'HOST1', mac: SGW.host1Mac, addresses: [linkLocalFromMac(SGW.host1Mac), SGW.host1Net0], link: 'Link0' },
  { name: 'Router', mac: SGW_ROUTER.mac, addresses: [linkLocalFromMac(SGW_ROUTER.mac), SGW_ROUTER.global], link: 'Link1' },
];
