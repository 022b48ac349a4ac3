import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectIoredis } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';

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
