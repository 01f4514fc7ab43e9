// External input: the mail config and subscription requests are refused with messages naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidConfigError, InvalidSubscriptionError, parseMailConfig, parseSubscriptionRequest, signLink, checkLink } from '../src/index.js';
import { SECRET } from './fixtures.js';

test('a subscription request from a form (comma lists) and from the API (arrays) reads the same', () => {
  const form = parseSubscriptionRequest({ email: ' Dev@Example.org ', streams: 'stable, 6.1,,stable', testsets: 'phase2-host', casePrefix: 'v6LC.2.', scope: 'every-run', cadence: 'daily' });
  const api = parseSubscriptionRequest({ email: 'dev@example.org', streams: ['stable', '6.1'], testsets: ['phase2-host'], casePrefix: 'v6LC.2.', scope: 'every-run', cadence: 'daily' });
  assert.deepEqual(form, api);
  assert.deepEqual(form, { email: 'dev@example.org', streams: ['stable', '6.1'], testsets: ['phase2-host'], casePrefix: 'v6LC.2.', scope: 'every-run', cadence: 'daily' });
  assert.deepEqual(parseSubscriptionRequest({ email: 'a@b.org' }), { email: 'a@b.org', streams: [], testsets: [], casePrefix: '', scope: 'regressions', cadence: 'immediate' });
});

test('a bad subscription request names every bad field', () => {
  assert.throws(
    () => parseSubscriptionRequest({ email: 'nobody', streams: 'lts', casePrefix: 'a b', scope: 'sometimes' }),
    (e: unknown) => {
      assert.ok(e instanceof InvalidSubscriptionError);
      const text = e.problems.join('\n');
      assert.match(text, /^email: must be an email address$/m);
      assert.match(text, /^streams\.0: must be mainline, stable, next/m);
      assert.match(text, /^casePrefix: may hold only/m);
      assert.match(text, /^scope: /m);
      return true;
    },
  );
});

test('a bad mail config names the field', () => {
  assert.throws(
    () => parseMailConfig({ smtp: { host: 'mx', port: '25' }, from: 'lab@x.org', baseUrl: 'ftp://x', secret: 'short' }),
    (e: unknown) => {
      assert.ok(e instanceof InvalidConfigError);
      assert.match(e.message, /smtp\.port: .*number/);
      assert.match(e.message, /baseUrl: /);
      assert.match(e.message, /secret: must be at least 32 characters/);
      return true;
    },
  );
  const ok = parseMailConfig({ smtp: { host: 'mx', port: 587 }, from: 'lab@x.org', baseUrl: 'https://x.org/lab/', secret: SECRET });
  assert.equal(ok.smtp.tls, 'starttls', 'TLS is required unless the operator says otherwise');
  assert.equal(ok.baseUrl, 'https://x.org/lab');
});

test('signed links: valid for their own purpose, id and expiry only', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const e = String(now.getTime() / 1000 + 3600);
  const t = signLink(SECRET, 'unsubscribe', 7, Number(e));
  assert.equal(checkLink(SECRET, 'unsubscribe', 7, e, t, now), 'valid');
  assert.equal(checkLink(SECRET, 'unsubscribe', 8, e, t, now), 'invalid');
  assert.equal(checkLink(SECRET, 'confirm', 7, e, t, now), 'invalid');
  assert.equal(checkLink(`${SECRET}x`, 'unsubscribe', 7, e, t, now), 'invalid');
  assert.equal(checkLink(SECRET, 'unsubscribe', 7, e, `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`, now), 'invalid');
  assert.equal(checkLink(SECRET, 'unsubscribe', 7, e, undefined, now), 'invalid');
  assert.equal(checkLink(SECRET, 'unsubscribe', 7, undefined, t, now), 'invalid');
  assert.equal(checkLink(SECRET, 'unsubscribe', 7, e, t, new Date(now.getTime() + 3601_000)), 'expired');
});
