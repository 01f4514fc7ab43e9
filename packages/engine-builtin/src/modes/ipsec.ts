// The IPsec modes (TAHI's p2_HTR_Reset / p2_SGW_Reset): what every IPsec case of a set shares. An end node
// gets its NET0 address (the SLAAC address TAHI's RA would give), the Router as default router and the
// UDP echo service the UDP tests talk to; a security gateway gets TAHI's NET0 and NET1 addresses and its
// default route through the Router on NET1. SAs and policies are each case's own (vocabulary/ipsec-nut.ts).
import type { BootedNut } from '@testlab/core';
import { END_NODE_ROUTER, SGW, SGW_ROUTER, endNodeAddress } from '../vocabulary/ipsec-topology.js';
import { linkLocalFromMac } from '@testlab/packet';
import { run } from './run-on-nut.js';

const IP = '/usr/sbin/ip';
const ECHO_PID = '/run/udp-echo.pid';

function link(nut: BootedNut, name: 'Link0' | 'Link1') {
  const l = nut.links.find((x) => x.name === name);
  if (!l) throw new Error(`IPsec mode: the NUT has no ${name} (links: ${nut.links.map((x) => x.name).join(', ')})`);
  if (!/^[a-z0-9]{1,15}$/.test(l.nutIfname)) throw new Error(`IPsec mode: odd interface name ${JSON.stringify(l.nutIfname)}`);
  return l;
}

async function forwarding(nut: BootedNut, want: '0' | '1', mode: string, log: string[]): Promise<void> {
  const got = (await run(nut, ['cat', '/proc/sys/net/ipv6/conf/all/forwarding'], log)).trim();
  if (got !== want) throw new Error(`${mode} mode needs net.ipv6.conf.all.forwarding=${want} (the test set's sysctls); the NUT has ${got}`);
}

export async function setUpIpsecEndNode(nut: BootedNut): Promise<string[]> {
  const log: string[] = [];
  await forwarding(nut, '0', 'ipsec-end-node', log);
  const net0 = link(nut, 'Link0');
  await run(nut, [IP, '-6', 'addr', 'add', `${endNodeAddress(net0.nutMac)}/64`, 'dev', net0.nutIfname, 'nodad'], log);
  await run(nut, [IP, '-6', 'route', 'add', 'default', 'via', linkLocalFromMac(END_NODE_ROUTER.mac), 'dev', net0.nutIfname], log);
  // UDP echo (port 7) for INDEX_P2_HOST_UDP: socat answers each datagram to its sender from port 7.
  await run(nut, ['start-stop-daemon', '-S', '-b', '-m', '-p', ECHO_PID, '-x', '/usr/bin/socat', '--', '-T', '2', 'UDP6-RECVFROM:7,fork', 'PIPE'], log);
  await new Promise((r) => setTimeout(r, 200));
  const alive = await nut.exec(['sh', '-c', 'kill -0 "$(cat /run/udp-echo.pid)"']);
  if (alive.code !== 0) throw new Error(`the UDP echo service (socat) did not stay up on ${nut.name}: ${alive.stderr.trim() || 'no process'}`);
  log.push(`the NUT is ${endNodeAddress(net0.nutMac)} on NET0, answers UDP on port 7`);
  return log;
}

export async function setUpSecurityGateway(nut: BootedNut): Promise<string[]> {
  const log: string[] = [];
  await forwarding(nut, '1', 'security-gateway', log);
  const [net0, net1] = [link(nut, 'Link0'), link(nut, 'Link1')];
  await run(nut, [IP, '-6', 'addr', 'add', `${SGW.nutNet0}/64`, 'dev', net0.nutIfname, 'nodad'], log);
  await run(nut, [IP, '-6', 'addr', 'add', `${SGW.nutNet1}/64`, 'dev', net1.nutIfname, 'nodad'], log);
  await run(nut, [IP, '-6', 'route', 'add', 'default', 'via', SGW_ROUTER.global, 'dev', net1.nutIfname], log);
  log.push(`the NUT is ${SGW.nutNet0} on NET0 and ${SGW.nutNet1} on NET1, default router ${SGW_ROUTER.global}`);
  return log;
}
