import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

test('PUBLISH reaches channel and pattern subscribers, and counts receivers (ioredis)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const publisher = await connectIoredis(t, node.port);
  const subscriber = new Redis({ port: node.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  subscriber.on('error', () => undefined);
  await subscriber.connect();
  t.after(() => subscriber.disconnect());
  const messages: string[] = [];
  const allReceived = new Promise<void>((resolve) => {
    subscriber.on('message', (channel: string, message: string) => {
      messages.push(`message ${channel} ${message}`);
      if (messages.length === 3) resolve();
    });
    subscriber.on('pmessage', (pattern: string, channel: string, message: string) => {
      messages.push(`pmessage ${pattern} ${channel} ${message}`);
      if (messages.length === 3) resolve();
    });
  });
  await subscriber.subscribe('news');
  await subscriber.psubscribe('ne*');
  assert.equal(await publisher.publish('news', 'hello'), 2);
  assert.equal(await publisher.publish('nets', 'x'), 1);
  assert.equal(await publisher.publish('other', 'y'), 0);
  await allReceived;
  assert.deepEqual(messages.sort(), ['message news hello', 'pmessage ne* nets x', 'pmessage ne* news hello']);
  assert.deepEqual(await publisher.pubsub('NUMSUB', 'news', 'other'), ['news', 1, 'other', 0]);
  assert.equal(await publisher.pubsub('NUMPAT'), 1);
  assert.deepEqual(await publisher.pubsub('CHANNELS', 'n*'), ['news']);
});

test('node-redis subscriber and sharded channels', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const publisher = await connectNodeRedis(t, node.port);
  const subscriber = await connectNodeRedis(t, node.port);
  const received = new Promise<string>((resolve) => void subscriber.subscribe('chan', (message) => resolve(message)));
  // Wait for the subscription to be registered before publishing (bounded).
  const deadline = Date.now() + 2000;
  while (Number((await publisher.pubSubNumSub('chan'))['chan']) !== 1) {
    assert.ok(Date.now() < deadline, 'subscription registered');
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(await publisher.publish('chan', 'payload'), 1);
  assert.equal(await received, 'payload');

  const raw = await RawClient.connect(node.port);
  t.after(() => raw.close());
  assert.deepEqual(replyToPlain(await raw.call('SSUBSCRIBE', 'shard-a')), { array: [{ bulk: 'ssubscribe' }, { bulk: 'shard-a' }, { integer: '1' }] });
  assert.equal(await publisher.sendCommand(['SPUBLISH', 'shard-a', 'm']), 1);
  assert.deepEqual(replyToPlain(await raw.read()), { array: [{ bulk: 'smessage' }, { bulk: 'shard-a' }, { bulk: 'm' }] });
  assert.equal(await publisher.publish('shard-a', 'not for shard subscribers'), 0);
});

test('RESP3: subscription replies and messages are pushes, and other commands still work', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const sub = await RawClient.connect(node.port);
  t.after(() => sub.close());
  await sub.call('HELLO', '3');
  assert.deepEqual(replyToPlain(await sub.call('SUBSCRIBE', 'c')), { push: [{ bulk: 'subscribe' }, { bulk: 'c' }, { integer: '1' }] });
  assert.deepEqual(replyToPlain(await sub.call('SET', 'k', 'v')), { simple: 'OK' });
  assert.deepEqual(replyToPlain(await sub.call('PING')), { simple: 'PONG' });
  // Publishing to itself: the message push comes before the PUBLISH reply, as in Redis.
  sub.writeRaw('*3\r\n$7\r\nPUBLISH\r\n$1\r\nc\r\n$2\r\nhi\r\n');
  assert.deepEqual(replyToPlain(await sub.read()), { push: [{ bulk: 'message' }, { bulk: 'c' }, { bulk: 'hi' }] });
  assert.deepEqual(replyToPlain(await sub.read()), { integer: '1' });
  assert.deepEqual(replyToPlain(await sub.call('UNSUBSCRIBE')), { push: [{ bulk: 'unsubscribe' }, { bulk: 'c' }, { integer: '0' }] });
  assert.deepEqual(replyToPlain(await sub.call('UNSUBSCRIBE')), { push: [{ bulk: 'unsubscribe' }, null, { integer: '0' }] });
});

test('a subscriber that does not read is disconnected at the pubsub output limit; the node goes on', async (t) => {
  const node = await startTessera({ 'client-output-buffer-limit': 'pubsub 1mb 512kb 60' });
  t.after(() => node.stop());
  // A raw socket that subscribes and then never reads.
  const slow = connect({ port: node.port, host: '127.0.0.1' });
  t.after(() => slow.destroy());
  await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
  const closed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
  slow.write('*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nfeed\r\n');
  slow.pause();
  const publisher = await connectIoredis(t, node.port);
  while ((await publisher.pubsub('NUMSUB', 'feed'))[1] !== 1) await new Promise((resolve) => setImmediate(resolve));
  const payload = 'x'.repeat(64 * 1024);
  let delivered = 1;
  // Bounded: at most 2000 messages (128 MB) before the limit must have closed the subscriber.
  for (let i = 0; i < 2000 && delivered > 0; i++) delivered = Number(await publisher.publish('feed', payload));
  assert.equal(delivered, 0, 'the slow subscriber was dropped');
  // A paused socket only notices the close once it reads again.
  slow.resume();
  await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('slow subscriber not closed within 5 s')), 5000))]);
  assert.equal(await publisher.ping(), 'PONG');
});
