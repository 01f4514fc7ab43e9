// HostRegistry on the lab's SQLite file (table lab_hosts, migration 7). A lab on one file is a lab on one
// machine, but its labd announces itself all the same: the dashboard shows the host and its NUTs either way.
import type Database from 'better-sqlite3';
import type { HostAnnouncement, HostRecord, HostRegistry } from '@testlab/core';

interface HostRow {
  name: string;
  roles: string;
  builds: number;
  nuts: string;
  owner: string;
  started_at: string;
  last_seen_at: string;
  left_at: string | null;
}

export class SqliteHosts implements HostRegistry {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async announce(h: HostAnnouncement): Promise<HostRecord> {
    const now = this.now().toISOString();
    const row = this.db
      .prepare<unknown[], HostRow>(
        `INSERT INTO lab_hosts (name, roles, builds, nuts, owner, started_at, last_seen_at, left_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
         ON CONFLICT (name) DO UPDATE SET roles = excluded.roles, builds = excluded.builds, nuts = excluded.nuts, owner = excluded.owner,
           started_at = excluded.started_at, last_seen_at = excluded.last_seen_at, left_at = NULL
         RETURNING *`,
      )
      .get(h.name, JSON.stringify(h.roles), h.builds ? 1 : 0, JSON.stringify(h.nuts), h.owner, now, now);
    return toHost(row!);
  }

  async heartbeat(name: string, owner: string): Promise<boolean> {
    const info = this.db.prepare('UPDATE lab_hosts SET last_seen_at = ? WHERE name = ? AND owner = ? AND left_at IS NULL').run(this.now().toISOString(), name, owner);
    return info.changes > 0;
  }

  async depart(name: string, owner: string): Promise<void> {
    const now = this.now().toISOString();
    this.db.prepare('UPDATE lab_hosts SET left_at = ?, last_seen_at = ? WHERE name = ? AND owner = ?').run(now, now, name, owner);
  }

  async hosts(): Promise<HostRecord[]> {
    return this.db.prepare<[], HostRow>('SELECT * FROM lab_hosts ORDER BY name').all().map(toHost);
  }
}

export function toHost(r: HostRow): HostRecord {
  return {
    name: r.name,
    roles: JSON.parse(r.roles) as string[],
    builds: r.builds === 1,
    nuts: JSON.parse(r.nuts) as HostRecord['nuts'],
    owner: r.owner,
    startedAt: r.started_at,
    lastSeenAt: r.last_seen_at,
    leftAt: r.left_at,
  };
}
