import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { connectIoredis } from '../support/clients.js';
import { RawClient } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

async function startNode(t: TestContext, directives: Record<string, string> = {}) {
  const node = await startTessera(directives);
  t.after(() => node.stop());
  return node;
}

/** Polls until `check()` holds, every intervalMs, failing after timeoutMs. */
async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves once wall-clock time has passed `atMs` (TTLs are judged against it). */
async function waitUntilTime(atMs: number): Promise<void> {
  await pollUntil(async () => Date.now() > atMs, 5000, 'clock');
}

async function fillWithTtl(redis: Redis, count: number, ttlMs: number, prefix = 'k'): Promise<void> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < count; i++) {
    pipeline.set(`${prefix}${i}`, 'v');
    pipeline.pexpire(`${prefix}${i}`, ttlMs);
  }
  await pipeline.exec();
}

test('keys with a TTL disappear by active expiry without being accessed', async (t) => {
  const node = await startNode(t, { hz: '100' });
  const redis = await connectIoredis(t, node.port);
  await fillWithTtl(redis, 500, 30);
  await redis.set('forever', 'v');
  // DBSIZE counts keys without expiring any: only the active cycle can bring it down.
  await pollUntil(async () => (await redis.dbsize()) === 1, 5000, 'active expiry removed the keys');
  assert.equal(await redis.get('forever'), 'v');
  assert.equal(node.server.keyspace.expiredKeys, 500);
});

test('with active expiry disabled only lazy expiry removes keys', async (t) => {
  const node = await startNode(t, { hz: '100', 'enable-debug-command': 'local' });
  const redis = await connectIoredis(t, node.port);
  const viaDebug = await redis.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0').then(
    () => true,
    (error: Error) => {
      // DEBUG belongs to another command group; without it, use the server's own switch.
      assert.match(error.message, /unknown command/);
      node.server.setActiveExpireEnabled(false);
      return false;
    },
  );
  const startedMs = Date.now();
  await fillWithTtl(redis, 100, 20);
  await waitUntilTime(startedMs + 60);
  for (let i = 0; i < 5; i++) node.server.tick(); // ticks run, and must not expire anything
  assert.equal(await redis.dbsize(), 100);
  assert.equal(await redis.get('k7'), null, 'lazy expiry on access still works');
  assert.equal(await redis.dbsize(), 99);
  if (viaDebug) await redis.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  else node.server.setActiveExpireEnabled(true);
  await pollUntil(async () => (await redis.dbsize()) === 0, 5000, 'active expiry resumed');
});

test('lazy expiry: an expired key reads as missing everywhere', async (t) => {
  const node = await startNode(t);
  node.server.setActiveExpireEnabled(false);
  const redis = await connectIoredis(t, node.port);
  const startedMs = Date.now();
  for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) {
    await redis.set(key, '1');
    await redis.pexpire(key, 10);
  }
  await redis.set('live', '1');
  await waitUntilTime(startedMs + 30);
  assert.equal(await redis.ttl('a'), -2);
  assert.equal(await redis.pttl('b'), -2);
  assert.equal(await redis.exists('c'), 0);
  assert.equal(await redis.type('d'), 'none');
  assert.deepEqual(await redis.keys('*'), ['live']);
  assert.equal(await redis.del('e'), 0);
  await assert.rejects(redis.rename('f', 'x'), /ERR no such key/);
  assert.equal(await redis.persist('g'), 0);
  assert.equal(await redis.randomkey(), 'live');
});

test('EXPIRE family: options, TTL rounding and absolute times', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await redis.set('k', 'v');
  assert.equal(await redis.ttl('k'), -1);
  assert.equal(await redis.expire('k', 100, 'XX'), 0);
  assert.equal(await redis.expire('k', 100, 'GT'), 0);
  assert.equal(await redis.expire('k', 100, 'NX'), 1);
  assert.equal(await redis.expire('k', 200, 'GT'), 1);
  assert.equal(await redis.expire('k', 300, 'LT'), 0);
  assert.equal(await redis.ttl('k'), 200);
  const pttl = await redis.pttl('k');
  assert.ok(pttl > 199_000 && pttl <= 200_000);
  assert.equal(await redis.pexpireat('k', 4102444800123), 1);
  assert.equal(await redis.pexpiretime('k'), 4102444800123);
  assert.equal(await redis.expiretime('k'), 4102444800);
  assert.equal(await redis.expireat('k', 1), 1);
  assert.equal(await redis.exists('k'), 0);
  await redis.set('k', 'v');
  await assert.rejects(redis.call('EXPIRE', 'k', '10', 'NX', 'XX'), /ERR NX and XX, GT or LT options at the same time are not compatible/);
  await assert.rejects(redis.call('EXPIRE', 'k', '10', 'GT', 'LT'), /ERR GT and LT options at the same time are not compatible/);
  await assert.rejects(redis.call('EXPIRE', 'k', '10', 'SOON'), /ERR Unsupported option SOON/);
  await assert.rejects(redis.expire('k', '9223372036854775807'), /ERR invalid expire time in 'expire' command/);
  await assert.rejects(redis.pexpire('k', '9223372036854775807'), /ERR invalid expire time in 'pexpire' command/);
  assert.equal(await redis.call('PEXPIREAT', 'k', '9223372036854775807'), 1);
  // ioredis reads integers as JS numbers; a raw client sees the exact int64.
  const raw = await RawClient.connect(node.port);
  t.after(() => raw.close());
  assert.deepEqual(await raw.call('PEXPIRETIME', 'k'), { type: 'integer', value: 9223372036854775807n });
  assert.deepEqual(await raw.call('EXPIRETIME', 'k'), { type: 'integer', value: 9223372036854776n });
  assert.equal(await redis.persist('k'), 1);
  assert.equal(await redis.ttl('k'), -1);
});
