// The hosts of a lab spread over several machines: each labd announces itself (its roles, the NUTs it owns,
// whether it builds) and then sends a heartbeat, so the dashboard can show which host is there, with which
// NUTs, and when it was last heard from. A host that stops answering loses its jobs when their leases lapse;
// this registry only says what the operator needs to see.

/** What a labd process tells the lab about itself. */
export interface HostAnnouncement {
  /** The host's name in the lab (the config's `host.name`, else the machine's host name). */
  name: string;
  /** `scheduler`, `worker` (or both, for a labd with role `all`). */
  roles: string[];
  /** Takes build jobs. */
  builds: boolean;
  /** The NUTs this host owns and runs jobs on. */
  nuts: { name: string; profile: string; modes: string[] }[];
  /** The lease owner of this process (`labd:<host>:<pid>:<start>`): a restart is a new owner. */
  owner: string;
}

export interface HostRecord extends HostAnnouncement {
  /** When this process announced itself. */
  startedAt: string;
  /** Its last heartbeat. */
  lastSeenAt: string;
  /** Set when it stopped cleanly (SIGTERM); null while it runs or after it died. */
  leftAt: string | null;
}

export interface HostRegistry {
  /** Records this host's announcement (replacing its earlier one); its heartbeat is now. */
  announce(host: HostAnnouncement): Promise<HostRecord>;
  /** Still here. False when another process announced itself under this name since (or none did): announce again. */
  heartbeat(name: string, owner: string): Promise<boolean>;
  /** The host stops cleanly. */
  depart(name: string, owner: string): Promise<void>;
  /** Every host that ever announced itself, by name. */
  hosts(): Promise<HostRecord[]>;
}
