// Everything notify offers, wired from one mail config and the two stores: what labd and the web app
// call (see docs/architecture.md for who calls what).
import type { Outbox, SubscriptionStore } from '@testlab/core';
import type { MailConfig } from './config.js';
import { EmailComposer } from './emails.js';
import { labLinks, type LabLinks } from './links.js';
import { smtpMailer, type Mailer } from './mailer.js';
import { Notifier } from './notifier.js';
import { OutboxWorker, type Backoff } from './outbox-worker.js';
import { SubscriptionService } from './subscriptions.js';
import { Templates } from './templates.js';

export interface NotifyService {
  config: MailConfig;
  templates: Templates;
  links: LabLinks;
  subscriptions: SubscriptionService;
  notifier: Notifier;
  worker: OutboxWorker;
}

export function createNotifyService(o: {
  config: MailConfig;
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  now?: () => Date;
  /** Defaults to SMTP from the config; tests may pass their own. */
  mailer?: Mailer;
  backoff?: Backoff;
  leaseMs?: number;
  log?: (line: string) => void;
}): NotifyService {
  const templates = new Templates();
  const links = labLinks(o.config.baseUrl, o.config.secret, o.now);
  const composer = new EmailComposer(templates, links, o.config.baseUrl);
  const common = { subscriptions: o.subscriptions, outbox: o.outbox, composer, from: o.config.from };
  return {
    config: o.config,
    templates,
    links,
    subscriptions: new SubscriptionService({ ...common, secret: o.config.secret, ...(o.now ? { now: o.now } : {}) }),
    notifier: new Notifier({ ...common, ...(o.now ? { now: o.now } : {}) }),
    worker: new OutboxWorker({
      outbox: o.outbox,
      mailer: o.mailer ?? smtpMailer(o.config),
      ...(o.now ? { now: o.now } : {}),
      ...(o.backoff ? { backoff: o.backoff } : {}),
      ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
      ...(o.log ? { log: o.log } : {}),
    }),
  };
}
