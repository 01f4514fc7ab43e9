// What a conformance case concludes, in the words of the IPv6 Ready Logo reports.

/**
 * PASS and FAIL as in TAHI; WARN: allowed but not recommended behaviour; NA: the case does not apply to
 * this NUT (host-only, router-only); ERROR: the harness could not judge (never the kernel's fault).
 */
export type Verdict = 'PASS' | 'FAIL' | 'WARN' | 'NA' | 'ERROR';

export const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'WARN', 'NA', 'ERROR'];

/** The outcome of one case on one NUT, with the evidence a kernel developer needs to believe it. */
export interface CaseResult {
  /** Ready Logo id, e.g. `v6LC.5.1.1`, optionally with the part: `v6LC.1.1.7-A`. */
  caseId: string;
  title: string;
  verdict: Verdict;
  /** Expected vs seen, with the RFC section, for every verdict but PASS; a short summary for PASS. */
  reason: string;
  durationMs: number;
  /** Human-readable step log of the case (what was sent, what arrived). */
  log: string;
  /** Paths of capture files (one per link) written for this case. */
  pcaps: string[];
  /**
   * Other files a reader needs beside the captures, e.g. `esp-sa`: the keys of an IPsec case's SAs in
   * Wireshark's `esp_sa` table, without which its captures cannot be read. Recorded as run artifacts.
   */
  evidence?: CaseEvidence[];
}

export interface CaseEvidence {
  /** The artifact kind the lab records it under (`esp-sa`, `wireshark-preferences`). */
  kind: string;
  path: string;
}
