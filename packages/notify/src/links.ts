// Every URL an email carries. Paths follow the dashboard's routes; one place to change if they move.
import { signLink } from './signing.js';

export interface LabLinks {
  run(runId: number): string;
  caseLog(runId: number, caseId: string): string;
  pcap(runId: number, caseId: string, index: number): string;
  confirm(subscriptionId: number): string;
  unsubscribe(subscriptionId: number): string;
}

export function labLinks(baseUrl: string, secret: string): LabLinks {
  const base = baseUrl.replace(/\/+$/, '');
  const c = encodeURIComponent;
  const signed = (path: string, purpose: 'confirm' | 'unsubscribe', id: number) =>
    `${base}${path}?s=${id}&t=${signLink(secret, purpose, id)}`;
  return {
    run: (runId) => `${base}/runs/${runId}`,
    caseLog: (runId, caseId) => `${base}/runs/${runId}/cases/${c(caseId)}/log`,
    pcap: (runId, caseId, index) => `${base}/runs/${runId}/cases/${c(caseId)}/pcaps/${index}`,
    confirm: (id) => signed('/subscriptions/confirm', 'confirm', id),
    unsubscribe: (id) => signed('/subscriptions/unsubscribe', 'unsubscribe', id),
  };
}
