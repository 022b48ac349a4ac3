import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

const FIXTURE = '/work/shared/fixtures/rdb/all-types.txt';

interface GoldenStream {
  stream: Record<string, unknown> & { groups: Array<Record<string, unknown> & { consumers: Array<Record<string, unknown>> }> };
}

/** The golden XINFO STREAM FULL of stream:full (redis 7.0.15), if the fixture is present. */
function goldenFull(): GoldenStream | null {
  let text: string;
  try {
    text = readFileSync(FIXTURE, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    if (line.includes('"key":"stream:full"')) return JSON.parse(line) as GoldenStream;
  }
  return null;
}

/** A RESP2 flat map as [name, value] pairs. */
function pairs(reply: unknown[]): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (let i = 0; i < reply.length; i += 2) out.push([String(reply[i]), reply[i + 1]]);
  return out;
}

test('XADD with * gives increasing ids; XRANGE and XREVRANGE read them back (ioredis)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await redis.xadd('s', '*', 'n', String(i))) as string);
  const sorted = [...ids].sort((a, b) => {
    const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
    const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
    return am === bm ? Number(as - bs) : Number(am - bm);
  });
  assert.deepEqual(ids, sorted);
  assert.equal(new Set(ids).size, 5);
  const range = await redis.xrange('s', '-', '+');
  assert.deepEqual(
    range.map(([id, fields]) => [id, fields[1]]),
    ids.map((id, i) => [id, String(i)]),
  );
  const rev = await redis.xrevrange('s', '+', '-', 'COUNT', 2);
  assert.deepEqual(
    rev.map(([id]) => id),
    [ids[4], ids[3]],
  );
  assert.equal(await redis.xlen('s'), 5);
});

test('XINFO STREAM FULL has the shape of redis 7.0.15 (golden fixture)', async (t) => {
  const golden = goldenFull();
  if (golden === null) {
    t.skip('fixture not present');
    return;
  }
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  for (let i = 0; i < 150; i++) await redis.xadd('s', `1700000000${String(i).padStart(3, '0')}-0`, 'sensor', String(i));
  await redis.xgroup('CREATE', 's', 'g1', '0');
  await redis.xreadgroup('GROUP', 'g1', 'bob', 'COUNT', 2, 'STREAMS', 's', '>');
  await redis.xgroup('CREATECONSUMER', 's', 'g1', 'alice');
  const full = (await redis.call('XINFO', 'STREAM', 's', 'FULL')) as unknown[];
  const fields = pairs(full);
  assert.deepEqual(
    fields.map(([name]) => name),
    ['length', 'radix-tree-keys', 'radix-tree-nodes', 'last-generated-id', 'max-deleted-entry-id', 'entries-added', 'recorded-first-entry-id', 'entries', 'groups'],
  );
  const goldenNames = Object.keys(golden.stream).filter((name) => name !== 'groups');
  for (const name of goldenNames) assert.ok(fields.some(([n]) => n === name), `field ${name}`);
  assert.equal(fields[1]?.[1], golden.stream['radix-tree-keys']);
  assert.equal(fields[2]?.[1], golden.stream['radix-tree-nodes']);
  const groups = fields.find(([name]) => name === 'groups')?.[1] as unknown[][];
  const group = pairs(groups[0] as unknown[]);
  assert.deepEqual(
    group.map(([name]) => name),
    Object.keys(golden.stream.groups[0] as object),
  );
  const consumers = group.find(([name]) => name === 'consumers')?.[1] as unknown[][];
  assert.deepEqual(
    pairs(consumers[0] as unknown[]).map(([name]) => name),
    Object.keys(golden.stream.groups[0]?.consumers[0] as object),
  );
  // Consumers come in name order, as in Redis's rax.
  assert.deepEqual(
    consumers.map((c) => pairs(c)[0]?.[1]),
    ['alice', 'bob'],
  );
  const pending = group.find(([name]) => name === 'pending')?.[1] as unknown[][];
  assert.equal(pending.length, 2);
  assert.equal(pending[0]?.length, 4);
});

test('consumer group flow with node-redis: read, pending, claim, ack', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectNodeRedis(t, node.port);
  await client.xGroupCreate('jobs', 'workers', '$', { MKSTREAM: true });
  await client.xAdd('jobs', '1-0', { task: 'a' });
  await client.xAdd('jobs', '2-0', { task: 'b' });
  const read = await client.xReadGroup('workers', 'w1', { key: 'jobs', id: '>' });
  assert.deepEqual(JSON.parse(JSON.stringify(read?.[0]?.messages)), [
    { id: '1-0', message: { task: 'a' } },
    { id: '2-0', message: { task: 'b' } },
  ]);
  const summary = await client.xPending('jobs', 'workers');
  assert.equal(summary.pending, 2);
  assert.deepEqual(summary.consumers, [{ name: 'w1', deliveriesCounter: 2 }]);
  const claimed = await client.xClaimJustId('jobs', 'workers', 'w2', 0, '1-0');
  assert.deepEqual(claimed, ['1-0']);
  assert.equal(await client.xAck('jobs', 'workers', ['1-0', '2-0']), 2);
  assert.equal((await client.xPending('jobs', 'workers')).pending, 0);
});

test('XAUTOCLAIM reports entries deleted while pending (Redis 7.0 third element)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const raw = await RawClient.connect(node.port);
  t.after(() => raw.close());
  for (const id of ['1-0', '2-0', '3-0']) await raw.call('XADD', 's', id, 'f', 'v');
  await raw.call('XGROUP', 'CREATE', 's', 'g', '0');
  await raw.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>');
  await raw.call('XDEL', 's', '2-0');
  const reply = replyToPlain(await raw.call('XAUTOCLAIM', 's', 'g', 'd', '0', '0', 'JUSTID'));
  assert.deepEqual(reply, {
    array: [{ bulk: '0-0' }, { array: [{ bulk: '1-0' }, { bulk: '3-0' }] }, { array: [{ bulk: '2-0' }] }],
  });
});

test('XADD <ms>-* completes the sequence after the last id of that millisecond', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const raw = await RawClient.connect(node.port);
  t.after(() => raw.close());
  assert.deepEqual(replyToPlain(await raw.call('XADD', 's', '5-*', 'f', 'v')), { bulk: '5-0' });
  assert.deepEqual(replyToPlain(await raw.call('XADD', 's', '5-*', 'f', 'v')), { bulk: '5-1' });
  assert.deepEqual(replyToPlain(await raw.call('XADD', 's', '7-*', 'f', 'v')), { bulk: '7-0' });
  assert.deepEqual(replyToPlain(await raw.call('XADD', 's', '6-*', 'f', 'v')), {
    error: 'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  });
});
