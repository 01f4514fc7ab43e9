// @testlab/notify: subscriptions (double opt-in, signed links), regression emails, the outbox worker.
export { parseMailConfig, parseMailSettings, InvalidConfigError, describeIssues, type MailConfig, type MailSettings, type SmtpConfig } from './config.js';
export { secretProblem } from './secret-strength.js';
export { signLink, checkLink, type LinkCheck, type LinkPurpose } from './signing.js';
export { labLinks, LINK_LIFETIME_DAYS, type LabLinks } from './links.js';
export { kernelStreams, STREAM_NAME } from './streams.js';
export type { RegressedCase, RunReport } from './report.js';
export { matchSubscription, type Match } from './matching.js';
export { Templates, TEMPLATES_DIR, type EmailTemplate, type PageTemplate } from './templates.js';
export { EmailComposer, describeFilter, type DigestPayload } from './emails.js';
export { smtpMailer, SMTP_TIMEOUTS, type Mailer } from './mailer.js';
export { OutboxWorker, retryDelayMs, DEFAULT_BACKOFF, DEFAULT_LEASE_MS, type Backoff, type OutboxWorkerOptions, type TickResult } from './outbox-worker.js';
export { newMessageId } from './message-id.js';
export { parseSubscriptionRequest, InvalidSubscriptionError, type SubscriptionRequest } from './subscription-request.js';
export { SubscriptionService, CONFIRMATIONS_PER_DAY, type LinkOutcome, type LinkQuery, type SubscriptionServiceOptions } from './subscriptions.js';
export { Notifier, type NotifierOptions } from './notifier.js';
export { createNotifyService, type NotifyService } from './service.js';
export { runReportFrom, notifyRunFinished } from './report-from-diffs.js';
export { bisectionReportOf, bisectionConcerns, type BisectionReport } from './bisection-report.js';
