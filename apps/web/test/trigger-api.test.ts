// The trigger API over real HTTP: no token, a wrong token (even one of the right length) and a malformed
// header are refused before the lab is touched; the right token queues the run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { triggerRoutes, type TriggerRequest } from '../src/routes/trigger.js';

const TOKEN = 'trigger-token-for-tests-0123456789abcdef';
const asked: TriggerRequest[] = [];
let app: FastifyInstance;
let base: string;

before(async () => {
  app = Fastify();
  await app.register(triggerRoutes, {
    token: TOKEN,
    trigger: async (r) => {
      asked.push(r);
      return { jobId: 17, created: true };
    },
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => app.close());

const trigger = (body: unknown, authorization?: string) =>
  fetch(`${base}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
const run = { source: 'https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.1.192.tar.xz', testset: 'phase2-host' };

test('without a token: 401 with a Bearer challenge, nothing queued', async () => {
  const res = await trigger(run);
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.match(((await res.json()) as { error: string }).error, /needs the lab token/);
  assert.deepEqual(asked, []);
});

test('with a wrong token, of any length, or a malformed header: 401, nothing queued', async () => {
  for (const auth of [`Bearer ${TOKEN.replace(/.$/, 'X')}`, 'Bearer short', `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, TOKEN]) {
    const res = await trigger(run, auth);
    assert.equal(res.status, 401, auth);
  }
  assert.deepEqual(asked, []);
});

test('with the token: the run is queued (202) and bad requests are refused with the reason', async () => {
  const res = await trigger({ ...run, ref: 'v6.1.192' }, `Bearer ${TOKEN}`);
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { jobId: 17, created: true });
  assert.deepEqual(asked, [{ ...run, ref: 'v6.1.192' }]);

  const bad = await trigger({ source: 'x', testset: '../etc', ref: '--upload-pack=evil', extra: 1 }, `Bearer ${TOKEN}`);
  assert.equal(bad.status, 400);
  const problems = ((await bad.json()) as { problems: string[] }).problems.join('\n');
  assert.match(problems, /^testset: must be a test set name/m);
  assert.match(problems, /^ref: must be a git tag/m);
  assert.match(problems, /extra/);
  assert.equal(asked.length, 1);
});

test('a token shorter than 32 characters is refused at start-up', async () => {
  const weak = Fastify();
  weak.register(triggerRoutes, { token: 'short', trigger: async () => ({ jobId: 1, created: true }) });
  await assert.rejects(async () => weak.ready(), /at least 32 characters/);
  await weak.close();
});
