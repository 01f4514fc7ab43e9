// HostRegistry on PostgreSQL (table lab_hosts, migration 7): the labd processes of a lab on several hosts,
// their roles and NUTs, and when each was last heard from.
import type pg from 'pg';
import type { HostAnnouncement, HostRecord, HostRegistry } from '@testlab/core';

interface HostRow {
  name: string;
  roles: string;
  builds: boolean;
  nuts: string;
  owner: string;
  started_at: string;
  last_seen_at: string;
  left_at: string | null;
}

export class PostgresHosts implements HostRegistry {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async announce(h: HostAnnouncement): Promise<HostRecord> {
    const now = this.now().toISOString();
    const { rows } = await this.pool.query<HostRow>(
      `INSERT INTO lab_hosts (name, roles, builds, nuts, owner, started_at, last_seen_at, left_at) VALUES ($1, $2, $3, $4, $5, $6, $6, NULL)
       ON CONFLICT (name) DO UPDATE SET roles = excluded.roles, builds = excluded.builds, nuts = excluded.nuts, owner = excluded.owner,
         started_at = excluded.started_at, last_seen_at = excluded.last_seen_at, left_at = NULL
       RETURNING *`,
      [h.name, JSON.stringify(h.roles), h.builds, JSON.stringify(h.nuts), h.owner, now],
    );
    return toHost(rows[0]!);
  }

  async heartbeat(name: string, owner: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE lab_hosts SET last_seen_at = $1 WHERE name = $2 AND owner = $3 AND left_at IS NULL', [
      this.now().toISOString(), name, owner,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async depart(name: string, owner: string): Promise<void> {
    await this.pool.query('UPDATE lab_hosts SET left_at = $1, last_seen_at = $1 WHERE name = $2 AND owner = $3', [this.now().toISOString(), name, owner]);
  }

  async hosts(): Promise<HostRecord[]> {
    const { rows } = await this.pool.query<HostRow>('SELECT * FROM lab_hosts ORDER BY name');
    return rows.map(toHost);
  }
}

export function toHost(r: HostRow): HostRecord {
  return {
    name: r.name,
    roles: JSON.parse(r.roles) as string[],
    builds: r.builds,
    nuts: JSON.parse(r.nuts) as HostRecord['nuts'],
    owner: r.owner,
    startedAt: r.started_at,
    lastSeenAt: r.last_seen_at,
    leftAt: r.left_at,
  };
}
