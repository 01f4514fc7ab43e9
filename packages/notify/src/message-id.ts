// Message-IDs are chosen when an email is queued, never when it is sent: see outbox-worker.ts.
import { randomUUID } from 'node:crypto';

/** `<uuid@domain-of-from>`; the domain of the From address keeps the id globally unique and ours. */
export function newMessageId(from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'testlab.invalid';
  return `<${randomUUID()}@${domain.toLowerCase()}>`;
}
