// What `testlab bisect` is asked, as its options say, and as bisect's startBisection and the lab's POST
// /api/bisections take it: the same request whether the bisection runs here or on a lab (--lab).
import type { BisectionRequest, InputNames } from '@testlab/bisect';

export interface BisectOptions {
  good: string;
  bad: string;
  case?: string[];
  testset?: string;
  tree?: string;
  nut?: string;
  confirmRuns?: number;
  maxSteps?: number;
  json?: boolean;
  /** Bisect on that lab (POST /api/bisections) and follow it, instead of here (bisect-remote.ts). */
  lab?: string;
  tokenFile?: string;
  /** Seconds between two looks at the lab's bisection. */
  poll?: number;
}

export function requestOf(opts: BisectOptions): Omit<BisectionRequest, 'requestedBy'> {
  return {
    good: opts.good,
    bad: opts.bad,
    ...(opts.case !== undefined ? { cases: opts.case } : {}),
    ...(opts.testset !== undefined ? { testset: opts.testset } : {}),
    ...(opts.tree !== undefined ? { tree: opts.tree } : {}),
    ...(opts.nut !== undefined ? { nut: opts.nut } : {}),
    ...(opts.confirmRuns !== undefined ? { confirmRuns: opts.confirmRuns } : {}),
    ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
  };
}

/** How the messages of a refused request name the inputs here (the API names its fields). */
export const OPTION_NAMES: InputNames = {
  good: '--good', bad: '--bad', cases: '--case', testset: '--testset', tree: '--tree', nut: '--nut', confirmRuns: '--confirm-runs', maxSteps: '--max-steps',
};
