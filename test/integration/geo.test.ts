import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

test('GEOADD stores the same 52-bit scores as Redis; GEOPOS, GEOHASH and GEODIST read them back', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  assert.equal(await redis.geoadd('Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'), 2);
  // Scores captured from redis-server 7.0.15 for the same coordinates.
  assert.equal(await redis.zscore('Sicily', 'Palermo'), '3479099956230698');
  assert.equal(await redis.zscore('Sicily', 'Catania'), '3479447370796909');
  assert.deepEqual(await redis.geopos('Sicily', 'Palermo', 'nosuch'), [['13.36138933897018433', '38.11555639549629859'], null]);
  assert.deepEqual(await redis.call('GEOHASH', 'Sicily', 'Palermo', 'Catania'), ['sqc8b49rny0', 'sqdtr74hyu0']);
  assert.equal(await redis.geodist('Sicily', 'Palermo', 'Catania'), '166274.1516');
  assert.equal(await redis.geodist('Sicily', 'Palermo', 'Catania', 'KM'), '166.2742');
  await assert.rejects(redis.geoadd('Sicily', 200, 10, 'bad'), /^ReplyError: ERR invalid longitude,latitude pair 200.000000,10.000000$/);
});

test('GEOSEARCH by radius and by box, sorted, with distances and coordinates (node-redis)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectNodeRedis(t, node.port);
  await redis.geoAdd('Sicily', [
    { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
    { longitude: 15.087269, latitude: 37.502669, member: 'Catania' },
    { longitude: 12.758489, latitude: 38.788135, member: 'edge1' },
    { longitude: 17.241510, latitude: 38.788135, member: 'edge2' },
  ]);
  const near = await redis.sendCommand(['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC', 'WITHDIST']);
  assert.deepEqual(near, [
    ['Catania', '56.4413'],
    ['Palermo', '190.4424'],
  ]);
  const boxed = await redis.sendCommand(['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC']);
  assert.deepEqual(boxed, ['Catania', 'Palermo', 'edge2', 'edge1']);
  const first = await redis.sendCommand(['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '1']);
  assert.deepEqual(first, ['Catania']);
});

test('GEORADIUS STORE / STOREDIST and GEOSEARCHSTORE write sorted sets; an empty result deletes', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.geoadd('Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  assert.equal(await redis.georadius('Sicily', 15, 37, 200, 'km', 'STOREDIST', 'dists'), 2);
  assert.deepEqual(await redis.zrange('dists', 0, -1, 'WITHSCORES'), ['Catania', '56.441257870158204', 'Palermo', '190.44242984775784']);
  assert.equal(await redis.call('GEOSEARCHSTORE', 'copy', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '10', 'km'), 1);
  assert.deepEqual(await redis.zrange('copy', 0, -1, 'WITHSCORES'), ['Palermo', '3479099956230698']);
  assert.equal(await redis.call('GEOSEARCHSTORE', 'copy', 'Sicily', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'm'), 0);
  assert.equal(await redis.exists('copy'), 0);
});

test('RESP3: GEOPOS coordinates are doubles, GEODIST stays a bulk string', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  await client.call('HELLO', '3');
  await client.call('GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
  assert.deepEqual(replyToPlain(await client.call('GEOPOS', 'g', 'Palermo')), {
    array: [{ array: [{ double: '13.36138933897018433' }, { double: '38.11555639549629859' }] }],
  });
  assert.deepEqual(replyToPlain(await client.call('GEODIST', 'g', 'Palermo', 'Catania')), { bulk: '166274.1516' });
});
