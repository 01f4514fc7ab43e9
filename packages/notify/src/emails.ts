// Turns a subscription and what happened into an OutgoingEmail (subject, text, HTML, list headers).
// Pure apart from the templates: the same inputs give the same email, which is what makes the outbox's
// dedupe keys meaningful.
import type { OutgoingEmail, SubscriptionFilter, SubscriptionRecord } from '@testlab/core';
import type { BisectionReport } from './bisection-report.js';
import type { LabLinks } from './links.js';
import type { Match } from './matching.js';
import type { RegressedCase, RunReport } from './report.js';
import type { Templates } from './templates.js';

/** What a daily digest keeps per run until the digest goes out (stored as JSON). */
export interface DigestPayload {
  runId: number;
  kernelVersion: string | null;
  testset: string;
  nut: string;
  regressions: RegressedCase[];
}

export class EmailComposer {
  constructor(
    private readonly templates: Templates,
    private readonly links: LabLinks,
    private readonly baseUrl: string,
  ) {}

  confirmation(sub: SubscriptionRecord): OutgoingEmail {
    const body = this.templates.email('confirm', {
      baseUrl: this.baseUrl,
      email: sub.email,
      filter: describeFilter(sub),
      confirmUrl: this.links.confirm(sub.id),
      unsubscribeUrl: this.links.unsubscribe(sub.id),
    });
    return this.#email(sub, `confirm:${sub.id}`, 'Confirm your testlab subscription', body);
  }

  run(sub: SubscriptionRecord, report: RunReport, match: Match): OutgoingEmail {
    const kernel = report.kernelVersion?.text ?? '(unidentified kernel)';
    const n = match.regressions.length;
    const subject =
      n > 0
        ? `[testlab] REGRESSION ${kernel} ${report.testset}: ${n} case${n === 1 ? '' : 's'} (${caseList(match.regressions)})`
        : `[testlab] ${kernel} ${report.testset}: no regression`;
    const body = this.templates.email('run', {
      ...this.#runView(report.runId, report.kernelVersion?.text ?? null, report.testset, report.nut, match.regressions),
      status: report.status,
      counts: report.counts,
      baseline: report.baseline && {
        runId: report.baseline.runId,
        kernel: report.baseline.kernelVersion ?? '(unidentified kernel)',
        url: this.links.run(report.baseline.runId),
      },
      filter: describeFilter(sub),
      unsubscribeUrl: this.links.unsubscribe(sub.id),
    });
    return this.#email(sub, `run:${sub.id}:${report.runId}`, subject, body);
  }

  bisection(sub: SubscriptionRecord, report: BisectionReport): OutgoingEmail {
    const range = `${report.good.commit.slice(0, 12)}..${report.bad.commit.slice(0, 12)}`;
    const subject = report.culprit
      ? `[testlab] BISECTED ${report.testset}: ${report.culprit.commit.slice(0, 12)} ${report.culprit.subject}`
      : `[testlab] bisection inconclusive ${report.testset} ${range}`;
    const body = this.templates.email('bisection', {
      ...report,
      kernel: report.kernelVersion?.text ?? null,
      bisectionUrl: this.links.bisection(report.bisectionId),
      goodUrl: report.good.runId === null ? null : this.links.run(report.good.runId),
      badUrl: report.bad.runId === null ? null : this.links.run(report.bad.runId),
      filter: describeFilter(sub),
      unsubscribeUrl: this.links.unsubscribe(sub.id),
    });
    return this.#email(sub, `bisection:${sub.id}:${report.bisectionId}`, subject, body);
  }

  digest(sub: SubscriptionRecord, day: string, runs: DigestPayload[]): OutgoingEmail {
    const regressed = runs.filter((r) => r.regressions.length > 0).length;
    const body = this.templates.email('digest', {
      day,
      runs: runs.map((r) => this.#runView(r.runId, r.kernelVersion, r.testset, r.nut, r.regressions)),
      filter: describeFilter(sub),
      unsubscribeUrl: this.links.unsubscribe(sub.id),
    });
    const subject = `[testlab] digest ${day}: ${runs.length} run${runs.length === 1 ? '' : 's'}, ${regressed} with regressions`;
    return this.#email(sub, `digest:${sub.id}:${day}`, subject, body);
  }

  #runView(runId: number, kernelVersion: string | null, testset: string, nut: string, regressions: RegressedCase[]) {
    return {
      runId,
      runUrl: this.links.run(runId),
      kernel: kernelVersion ?? '(unidentified kernel)',
      testset,
      nut,
      regressions: regressions.map((r) => ({
        ...r,
        logUrl: this.links.caseLog(runId, r.caseId),
        pcaps: Array.from({ length: r.pcapCount }, (_, i) => this.links.pcap(runId, r.caseId, i)),
      })),
    };
  }

  #email(sub: SubscriptionRecord, dedupeKey: string, subject: string, body: { text: string; html: string }): OutgoingEmail {
    const unsubscribe = this.links.unsubscribe(sub.id);
    return {
      dedupeKey,
      to: sub.email,
      subject: oneLine(subject),
      ...body,
      // RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to the signed URL.
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    };
  }
}

/** "regressions of stable, 6.1 kernels on phase2-host, cases v6LC.2.*, at once" */
export function describeFilter(f: SubscriptionFilter): string {
  const what = f.scope === 'regressions' ? 'regressions' : 'every run';
  const streams = f.streams.length > 0 ? ` of ${f.streams.join(', ')} kernels` : ' of any kernel';
  const testsets = f.testsets.length > 0 ? ` on ${f.testsets.join(', ')}` : ' on any test set';
  const cases = f.casePrefix ? `, cases ${f.casePrefix}*` : '';
  const when = f.cadence === 'daily' ? ', as a daily digest' : ', at once';
  return `${what}${streams}${testsets}${cases}${when}`;
}

function caseList(cases: RegressedCase[]): string {
  const ids = cases.slice(0, 3).map((c) => c.caseId);
  return cases.length > 3 ? `${ids.join(', ')}, ...` : ids.join(', ');
}

/** A header value never carries a line break (header injection) nor runs on forever. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 200);
}
