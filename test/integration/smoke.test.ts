import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';

test('ioredis and node-redis can SET and GET over TCP', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const ioredis = await connectIoredis(t, node.port);
  assert.equal(await ioredis.set('greeting', 'hello'), 'OK');
  assert.equal(await ioredis.get('greeting'), 'hello');
  assert.equal(await ioredis.get('missing'), null);

  const nodeRedis = await connectNodeRedis(t, node.port);
  assert.equal(await nodeRedis.get('greeting'), 'hello');
  assert.equal(await nodeRedis.ping(), 'PONG');
});
