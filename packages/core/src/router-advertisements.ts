// The one statement of RFC 4861 §6.2.1's bounds on a router's advertisement intervals: the builtin engine's
// router mode (radvd from the test set) and TAHI's racontrol calls both check against it, as radvd itself
// refuses a configuration outside them.

/** MaxRtrAdvInterval: 4..1800 s; MinRtrAdvInterval: 3 s .. 0.75 x MaxRtrAdvInterval (so at most 1350 s). */
export const RA_INTERVAL_BOUNDS = { min: { low: 3, high: 1350 }, max: { low: 4, high: 1800 }, minToMaxRatio: 0.75 } as const;

/** What is wrong with these intervals (seconds), or undefined when RFC 4861 §6.2.1 allows them. */
export function raIntervalProblem(minIntervalS: number, maxIntervalS: number): string | undefined {
  const { min, max, minToMaxRatio } = RA_INTERVAL_BOUNDS;
  if (!Number.isInteger(maxIntervalS) || maxIntervalS < max.low || maxIntervalS > max.high) return `MaxRtrAdvInterval ${maxIntervalS} s is not a whole ${max.low}..${max.high} (RFC 4861 §6.2.1)`;
  if (!Number.isInteger(minIntervalS) || minIntervalS < min.low) return `MinRtrAdvInterval ${minIntervalS} s is not a whole number of at least ${min.low} (RFC 4861 §6.2.1)`;
  if (minIntervalS > minToMaxRatio * maxIntervalS) return `MinRtrAdvInterval ${minIntervalS} s is more than ${minToMaxRatio} x MaxRtrAdvInterval ${maxIntervalS} s (RFC 4861 §6.2.1)`;
  return undefined;
}
