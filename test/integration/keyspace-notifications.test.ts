import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { connectIoredis } from '../support/clients.js';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

/**
 * Keyspace notifications: exact (channel, message) sequences. The expected tables were
 * recorded from redis-server 7.0.15 (PSUBSCRIBE '__key*__:*' while running the same commands);
 * test/compat/keyspace-notifications.test.ts compares against a live redis-server.
 */
async function record(t: TestContext, port: number, flags: string, commands: string[][]): Promise<Array<[string, string]>> {
  const sub = await connectIoredis(t, port);
  const client = await connectIoredis(t, port);
  await client.call('config', 'set', 'notify-keyspace-events', flags);
  const seen: Array<[string, string]> = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (channel === 'end') done();
    else seen.push([channel, message]);
  });
  await sub.psubscribe('__key*__:*', 'end');
  for (const [name, ...args] of commands as Array<[string, ...string[]]>) await client.call(name, ...args);
  await client.publish('end', 'x');
  await finished;
  return seen;
}

test('KEA: keyspace and keyevent channels, in Redis order, per database', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const commands = [
    ['set', 'k', 'v', 'ex', '100'], ['append', 'k', 'x'], ['rename', 'k', 'k2'], ['lpush', 'l', 'a'], ['lpop', 'l'],
    ['hset', 'h', 'f', 'v'], ['del', 'h', 'k2'], ['select', '3'], ['sadd', 's', 'm'], ['expire', 's', '0'],
  ];
  const expected = [
    ['__keyspace@0__:k', 'set'], ['__keyevent@0__:set', 'k'], ['__keyspace@0__:k', 'expire'], ['__keyevent@0__:expire', 'k'],
    ['__keyspace@0__:k', 'append'], ['__keyevent@0__:append', 'k'], ['__keyspace@0__:k', 'rename_from'], ['__keyevent@0__:rename_from', 'k'],
    ['__keyspace@0__:k2', 'rename_to'], ['__keyevent@0__:rename_to', 'k2'], ['__keyspace@0__:l', 'lpush'], ['__keyevent@0__:lpush', 'l'],
    ['__keyspace@0__:l', 'lpop'], ['__keyevent@0__:lpop', 'l'], ['__keyspace@0__:l', 'del'], ['__keyevent@0__:del', 'l'],
    ['__keyspace@0__:h', 'hset'], ['__keyevent@0__:hset', 'h'], ['__keyspace@0__:h', 'del'], ['__keyevent@0__:del', 'h'],
    ['__keyspace@0__:k2', 'del'], ['__keyevent@0__:del', 'k2'], ['__keyspace@3__:s', 'sadd'], ['__keyevent@3__:sadd', 's'],
    ['__keyspace@3__:s', 'del'], ['__keyevent@3__:del', 's'],
  ];
  assert.deepEqual(await record(t, node.port, 'KEA', commands), expected);
});

test('only the configured classes and channel kinds are published', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const commands = [['set', 'k', 'v'], ['incr', 'n'], ['lpush', 'l', 'a'], ['get', 'nokey'], ['del', 'k']];
  assert.deepEqual(await record(t, node.port, 'Kl$', commands), [
    ['__keyspace@0__:k', 'set'], ['__keyspace@0__:n', 'incrby'], ['__keyspace@0__:l', 'lpush'],
  ]);
  assert.deepEqual(await record(t, node.port, 'Egm', [['flushall'], ...commands]), [
    ['__keyevent@0__:keymiss', 'nokey'], ['__keyevent@0__:del', 'k'],
  ]);
  assert.deepEqual(await record(t, node.port, '', [['set', 'k', 'v']]), []);
});

test('lazy expiry publishes expired when the key is next accessed', async (t) => {
  const node = await startTessera({ 'enable-debug-command': 'local' });
  t.after(() => node.stop());
  const commands = [['debug', 'set-active-expire', '0'], ['set', 'k', 'v', 'pxat', '1'], ['get', 'k']];
  assert.deepEqual(await record(t, node.port, 'Egx', commands), [['__keyevent@0__:expire', 'k'], ['__keyevent@0__:expired', 'k']]);
});

test('active expiry publishes expired', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const sub = await connectIoredis(t, node.port);
  const client = await connectIoredis(t, node.port);
  await client.call('config', 'set', 'notify-keyspace-events', 'Ex');
  const expired = new Promise<[string, string]>((resolve) => sub.on('message', (channel: string, message: string) => resolve([channel, message])));
  await sub.subscribe('__keyevent@0__:expired');
  await client.call('set', 'k', 'v', 'px', '20');
  assert.deepEqual(await expired, ['__keyevent@0__:expired', 'k']);
});

test('notify-keyspace-events from the configuration file applies from the start', async (t) => {
  const node = await startTessera({ 'notify-keyspace-events': 'Eg' });
  t.after(() => node.stop());
  const sub = await connectIoredis(t, node.port);
  const client = await connectIoredis(t, node.port);
  const message = new Promise<[string, string]>((resolve) => sub.on('message', (channel: string, text: string) => resolve([channel, text])));
  await sub.subscribe('__keyevent@0__:del');
  await client.call('set', 'k', 'v');
  await client.call('del', 'k');
  assert.deepEqual(await message, ['__keyevent@0__:del', 'k']);
});

test('evictions publish `evicted` keyevents (class e)', async (t) => {
  const node = await startTessera({ 'notify-keyspace-events': 'Ee', 'maxmemory-policy': 'allkeys-random' });
  t.after(() => node.stop());
  const subscriber = await RawClient.connect(node.port);
  t.after(() => subscriber.close());
  assert.deepEqual(replyToPlain(await subscriber.call('SUBSCRIBE', '__keyevent@0__:evicted')), {
    array: [{ bulk: 'subscribe' }, { bulk: '__keyevent@0__:evicted' }, { integer: '1' }],
  });
  const client = await connectIoredis(t, node.port);
  const baseline = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
  await client.config('SET', 'maxmemory', String(baseline + 8 * 1024 * 1024));
  const value = 'v'.repeat(4096);
  // Bounded: at most 20,000 writes of 4 KB (80 MB) against 8 MB over the baseline; eviction must start.
  for (let i = 0; i < 20_000 && node.server.evictedKeys === 0; i += 500) {
    const pipeline = client.pipeline();
    for (let j = 0; j < 500; j++) pipeline.set(`k:${i + j}`, value);
    await pipeline.exec();
  }
  assert.ok(node.server.evictedKeys > 0, 'keys were evicted');
  const message = replyToPlain(await subscriber.read()) as { array: Array<{ bulk: string }> };
  assert.equal(message.array[0]?.bulk, 'message');
  assert.equal(message.array[1]?.bulk, '__keyevent@0__:evicted');
  assert.match(message.array[2]?.bulk ?? '', /^k:\d+$/);
});
