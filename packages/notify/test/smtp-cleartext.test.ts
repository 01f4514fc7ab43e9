// The SMTP password must not cross the network in clear: `tls: none` with auth is for a relay on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMailConfig } from '../src/index.js';
import { SECRET } from './fixtures.js';

const config = (host: string, tls: string, auth = true) => ({
  smtp: { host, port: 25, tls, ...(auth ? { auth: { user: 'lab', pass: 'hunter2-but-longer' } } : {}) },
  from: 'lab@x.org',
  baseUrl: 'https://x.org',
  secret: SECRET,
});

test('tls: none with a password to another host is refused; loopback, TLS or no password are fine', () => {
  for (const host of ['smtp.example.org', '192.0.2.25', '2001:db8::25', '127.0.0.1.example.org']) {
    assert.throws(() => parseMailConfig(config(host, 'none')), /smtp\.auth: the password would cross the network in clear \(tls: none\) to .*: use tls: starttls or implicit, or a relay on loopback/, host);
  }
  for (const host of ['127.0.0.1', '127.0.0.53', 'localhost', '::1', '[::1]']) parseMailConfig(config(host, 'none'));
  parseMailConfig(config('smtp.example.org', 'starttls'));
  parseMailConfig(config('smtp.example.org', 'implicit'));
  parseMailConfig(config('smtp.example.org', 'none', false));
});
