// A labd tells the lab it is there: it announces its host, roles and NUTs at start, beats every 30 s (the
// dashboard calls a host silent after two minutes without one) and says goodbye when it stops cleanly. A
// heartbeat the database cannot take is logged and tried again at the next beat; one refused because another
// process announced itself under this host's name since is answered by announcing again.
import type { HostAnnouncement, HostRegistry } from '@testlab/core';

export const HEARTBEAT_MS = 30_000;

export interface PresenceLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export async function announcePresence(hosts: HostRegistry, me: HostAnnouncement, log: PresenceLog, everyMs = HEARTBEAT_MS): Promise<{ stop(): Promise<void> }> {
  await hosts.announce(me);
  log.info({ host: me.name, roles: me.roles, nuts: me.nuts.map((n) => n.name), builds: me.builds }, 'host announced');
  const timer = setInterval(() => {
    hosts.heartbeat(me.name, me.owner).then(
      async (known) => {
        if (known) return;
        log.warn({ host: me.name }, 'heartbeat refused (another process announced this host, or the record is gone): announcing again');
        await hosts.announce(me);
      },
    ).catch((error: unknown) => log.warn({ error: (error as Error).message }, 'heartbeat failed: is the lab database reachable?'));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await hosts.depart(me.name, me.owner).catch((error: unknown) => log.warn({ error: (error as Error).message }, 'could not record leaving'));
    },
  };
}
