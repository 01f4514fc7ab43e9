// RFC 4861 §10 protocol constants and the host variables' defaults (§6.3.2) the Section 2 cases time
// their observations by, with TAHI's own margins (nd.p2/ndisc.pm) where a case waits for a timer.

export const RETRANS_TIMER_MS = 1_000;
export const DELAY_FIRST_PROBE_TIME_MS = 5_000;
export const MAX_MULTICAST_SOLICIT = 3;
export const MAX_UNICAST_SOLICIT = 3;
export const REACHABLE_TIME_MS = 30_000;
export const MAX_RANDOM_FACTOR = 1.5;
export const MAX_ANYCAST_DELAY_TIME_MS = 1_000;

/**
 * How long an entry that must stay REACHABLE is watched for a probe: TAHI's DELAY_FIRST_PROBE_TIME +
 * RETRANS_TIMER * MAX_UNICAST_SOLICIT + 1 s (ndSendNaReachable2Reachable).
 */
export const NO_PROBE_WINDOW_MS = DELAY_FIRST_PROBE_TIME_MS + RETRANS_TIMER_MS * MAX_UNICAST_SOLICIT + 1_000;

/** What a software-emulated NUT on a loaded 2-core machine may add to any of its timers. */
export const TIMER_SLACK_MS = 1_500;
