// Router mode (TAHI's router NUT): forwarding on, 3ffe:501:ffff:10<n>::1/64 on Link<n>, and radvd
// advertising the Link prefix on the links the test set names. Applied over SSH after boot; every step is
// checked so a NUT that is not a router never gets judged as one.
import { raIntervalProblem, type BootedNut } from '@testlab/core';
import type { RadvdSettings } from '../section.js';
import { radvdInterfaceText } from './radvd-conf.js';
import { run } from './run-on-nut.js';

/** TAHI's router NUT address on Link<n> (`n` 0..9). */
export function routerAddress(linkIndex: number): { address: string; prefix: string } {
  return { address: `3ffe:501:ffff:10${linkIndex}::1`, prefix: `3ffe:501:ffff:10${linkIndex}::` };
}

const linkIndex = (name: string): number => {
  const m = /^Link([0-9])$/.exec(name);
  if (!m) throw new Error(`router mode: link name ${JSON.stringify(name)} is not Link0..Link9`);
  return Number(m[1]);
};

/** Where router mode keeps the set's radvd: cases that advertise differently stop it and start it again from here. */
export const SET_RADVD = { conf: '/etc/radvd.conf', pid: '/run/radvd.pid', log: '/run/radvd.log' } as const;

/** The radvd command line for a configuration file, pid file and log file (all our own paths). */
export function radvdArgv(files: { conf: string; pid: string; log: string }): string[] {
  return ['/usr/sbin/radvd', '-C', files.conf, '-p', files.pid, '-m', 'logfile', '-l', files.log];
}

/**
 * The radvd.conf for the links that advertise. Solicited RAs go to all-nodes (AdvRASolicitedUnicast off,
 * RFC 4861 §6.2.6's usual case and what TAHI's router tests expect) and prefixes carry RFC 4861 §6.2.1's
 * default lifetimes, as TAHI's router configuration does.
 */
export function radvdConfig(nut: Pick<BootedNut, 'links'>, s: RadvdSettings): string {
  const problem = raIntervalProblem(s.minIntervalS, s.maxIntervalS);
  if (problem) throw new Error(`radvd: ${problem}`);
  return s.links
    .map((name) => {
      const link = nut.links.find((l) => l.name === name);
      if (!link) throw new Error(`radvd: the NUT has no ${name} (links: ${nut.links.map((l) => l.name).join(', ')})`);
      const { prefix } = routerAddress(linkIndex(name));
      return radvdInterfaceText({ ifname: link.nutIfname, minIntervalS: s.minIntervalS, maxIntervalS: s.maxIntervalS, prefixes: [{ prefix, length: 64 }] });
    })
    .join('\n');
}

export async function setUpRouter(nut: BootedNut, radvd: RadvdSettings | undefined): Promise<string[]> {
  const log: string[] = [];
  // The test set's sysctls already turned forwarding on at boot; a router set without it is a mistake worth stopping on.
  const forwarding = (await run(nut, ['cat', '/proc/sys/net/ipv6/conf/all/forwarding'], log)).trim();
  if (forwarding !== '1') throw new Error(`router mode needs net.ipv6.conf.all.forwarding=1 (the test set's sysctls); the NUT has ${forwarding}`);
  for (const link of nut.links) {
    const { address } = routerAddress(linkIndex(link.name));
    await run(nut, ['/usr/sbin/ip', '-6', 'addr', 'add', `${address}/64`, 'dev', link.nutIfname, 'nodad'], log);
  }
  if (radvd && radvd.links.length > 0) {
    const conf = radvdConfig(nut, radvd);
    // The file content travels as an argument ($1), never inside the script text.
    await run(nut, ['sh', '-c', 'printf "%s" "$1" > /etc/radvd.conf', 'sh', conf], log);
    await run(nut, radvdArgv(SET_RADVD), log);
    // radvd forks; its pid file shows it stayed up (it exits on a bad config or a kernel without file locking).
    await new Promise((r) => setTimeout(r, 300));
    const alive = await nut.exec(['sh', '-c', 'kill -0 "$(cat /run/radvd.pid)"']);
    if (alive.code !== 0) {
      const why = await nut.exec(['cat', '/run/radvd.log']);
      throw new Error(`radvd did not stay up on ${nut.name}: ${why.stdout.trim().split('\n').slice(-3).join(' | ') || alive.stderr.trim()}`);
    }
    log.push(`radvd advertises on ${radvd.links.join(', ')}`);
  }
  return log;
}
