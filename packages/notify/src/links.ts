// Every URL an email carries. Paths follow the dashboard's routes; one place to change if they move.
import { signLink, type LinkPurpose } from './signing.js';

export interface LabLinks {
  run(runId: number): string;
  bisection(bisectionId: number): string;
  caseLog(runId: number, caseId: string): string;
  pcap(runId: number, caseId: string, index: number): string;
  confirm(subscriptionId: number): string;
  unsubscribe(subscriptionId: number): string;
}

/**
 * How long a signed link works. A confirmation is followed within days or not at all; every email carries a
 * fresh unsubscribe link, so only a mailbox's old ones stop working.
 */
export const LINK_LIFETIME_DAYS: Readonly<Record<LinkPurpose, number>> = { confirm: 7, unsubscribe: 60 };

export function labLinks(baseUrl: string, secret: string, now: () => Date = () => new Date()): LabLinks {
  const base = baseUrl.replace(/\/+$/, '');
  const c = encodeURIComponent;
  const signed = (path: string, purpose: LinkPurpose, id: number) => {
    const expires = Math.floor(now().getTime() / 1000) + LINK_LIFETIME_DAYS[purpose] * 86_400;
    return `${base}${path}?s=${id}&e=${expires}&t=${signLink(secret, purpose, id, expires)}`;
  };
  return {
    run: (runId) => `${base}/runs/${runId}`,
    bisection: (id) => `${base}/bisections/${id}`,
    caseLog: (runId, caseId) => `${base}/runs/${runId}/cases/${c(caseId)}/log`,
    pcap: (runId, caseId, index) => `${base}/runs/${runId}/cases/${c(caseId)}/pcaps/${index}`,
    confirm: (id) => signed('/subscriptions/confirm', 'confirm', id),
    unsubscribe: (id) => signed('/subscriptions/unsubscribe', 'unsubscribe', id),
  };
}
