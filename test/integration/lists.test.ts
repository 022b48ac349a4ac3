import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/lib/random.js';
import { connectIoredis, connectNodeRedis, rawClient } from '../support/clients.js';
import { replyToPlain } from '../support/raw-client.js';
import { startTessera, type InProcessNode, recordPropagation } from '../support/tessera.js';

const WRONGTYPE = /WRONGTYPE Operation against a key holding the wrong kind of value/;

async function startNode(t: TestContext): Promise<InProcessNode> {
  const node = await startTessera();
  t.after(() => node.stop());
  return node;
}

test('LPUSH/RPUSH/LPOP/RPOP keep binary elements byte for byte and delete an emptied list', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  const bytes = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x80]);
  assert.equal(await redis.rpush('l', bytes, '', 'b'), 3);
  assert.equal(await redis.lpush('l', 'a0', 'a1'), 5);
  assert.deepEqual(await redis.lrangeBuffer('l', 0, -1), [Buffer.from('a1'), Buffer.from('a0'), bytes, Buffer.alloc(0), Buffer.from('b')]);
  assert.deepEqual(await redis.lindexBuffer('l', 2), bytes);
  assert.equal(await redis.type('l'), 'list');
  assert.equal(await redis.object('ENCODING', 'l'), 'quicklist');
  assert.equal(await redis.lpop('l'), 'a1');
  assert.equal(await redis.rpop('l'), 'b');
  assert.deepEqual(await redis.lpopBuffer('l', 2), [Buffer.from('a0'), bytes]);
  assert.deepEqual(await redis.rpop('l', 5), ['']);
  assert.equal(await redis.exists('l'), 0);
  assert.equal(await redis.lpushx('l', 'x'), 0);
  assert.equal(await redis.exists('l'), 0);
  await redis.set('s', 'v');
  await assert.rejects(redis.lpush('s', 'x'), WRONGTYPE);
  await assert.rejects(redis.llen('s'), WRONGTYPE);
});

test('LPOP/RPOP null shapes: bulk null without count, null array with count, in RESP2 and RESP3', async (t) => {
  const node = await startNode(t);
  const client = await rawClient(t, node.port, { nullMarkers: true });
  const plain = async (...args: string[]) => replyToPlain(await client.call(...args), { keepNullMarker: true });
  assert.deepEqual(await plain('LPOP', 'missing'), { null: '$' });
  assert.deepEqual(await plain('RPOP', 'missing', '2'), { null: '*' });
  assert.deepEqual(await plain('LPOP', 'missing', '0'), { null: '*' });
  await client.call('RPUSH', 'l', 'a');
  assert.deepEqual(await plain('LPOP', 'l', '0'), { array: [] });
  assert.deepEqual(await plain('LPOP', 'l', '-1'), { error: 'ERR value is out of range, must be positive' });
  assert.deepEqual(await plain('LINDEX', 'missing', '0'), { null: '$' });
  assert.deepEqual(await plain('LMPOP', '1', 'missing', 'LEFT'), { null: '*' });
  await client.call('HELLO', '3');
  assert.deepEqual(await plain('LPOP', 'missing'), { null: '_' });
  assert.deepEqual(await plain('LPOP', 'missing', '2'), { null: '_' });
  assert.deepEqual(await plain('LMPOP', '1', 'missing', 'LEFT'), { null: '_' });
  assert.deepEqual(await plain('LMPOP', '1', 'l', 'LEFT', 'COUNT', '5'), { array: [{ bulk: 'l' }, { array: [{ bulk: 'a' }] }] });
});

test('node-redis in RESP3 reads list replies', async (t) => {
  const node = await startNode(t);
  const client = await connectNodeRedis(t, node.port, { RESP: 3 });
  assert.equal(await client.rPush('l', ['a', 'b', 'c', 'b']), 4);
  assert.deepEqual(await client.lRange('l', 0, -1), ['a', 'b', 'c', 'b']);
  assert.equal(await client.lPos('l', 'b'), 1);
  assert.deepEqual(await client.lPosCount('l', 'b', 0), [1, 3]);
  assert.equal(await client.lPos('l', 'zz'), null);
  assert.equal(await client.lMove('l', 'm', 'LEFT', 'RIGHT'), 'a');
  assert.equal(await client.lLen('m'), 1);
  assert.equal(await client.lPop('missing'), null);
});

test('a big list agrees with an array model under random positional commands', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  const random = new SeededRandom(7);
  const model: string[] = [];
  const values = Array.from({ length: 5000 }, (_, i) => `e${i % 97}`);
  for (let i = 0; i < values.length; i += 500) await redis.rpush('big', ...values.slice(i, i + 500));
  model.push(...values);
  for (let step = 0; step < 400; step++) {
    const op = random.int(6);
    const n = model.length;
    if (op === 0) {
      const i = random.int(n);
      assert.equal(await redis.lindex('big', i - (random.int(2) === 0 ? n : 0)), model[i]);
    } else if (op === 1) {
      const i = random.int(n);
      await redis.lset('big', i, `set${step}`);
      model[i] = `set${step}`;
    } else if (op === 2) {
      const pivot = `e${random.int(97)}`;
      const at = model.indexOf(pivot);
      const reply = await redis.linsert('big', 'AFTER', pivot, `ins${step}`);
      if (at === -1) assert.equal(reply, -1);
      else {
        model.splice(at + 1, 0, `ins${step}`);
        assert.equal(reply, model.length);
      }
    } else if (op === 3) {
      const value = `e${random.int(97)}`;
      const count = random.int(5) - 2;
      let removed = 0;
      if (count >= 0) {
        for (let i = 0; i < model.length && (count === 0 || removed < count); ) {
          if (model[i] === value) {
            model.splice(i, 1);
            removed++;
          } else i++;
        }
      } else {
        for (let i = model.length - 1; i >= 0 && removed < -count; i--) {
          if (model[i] === value) {
            model.splice(i, 1);
            removed++;
          }
        }
      }
      assert.equal(await redis.lrem('big', count, value), removed);
    } else if (op === 4) {
      const start = random.int(n);
      const stop = start + random.int(50);
      assert.deepEqual(await redis.lrange('big', start, stop), model.slice(start, stop + 1));
    } else {
      const value = `e${random.int(97)}`;
      const expected: number[] = [];
      model.forEach((v, i) => v === value && expected.push(i));
      assert.deepEqual(await redis.call('LPOS', 'big', value, 'COUNT', '0'), expected);
    }
  }
  assert.equal(await redis.llen('big'), model.length);
  assert.deepEqual(await redis.lrange('big', 0, -1), model);
});

test('LTRIM keeps the range and deletes the key when nothing is left', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await redis.rpush('l', ...Array.from({ length: 1000 }, (_, i) => String(i)));
  assert.equal(await redis.ltrim('l', 100, -101), 'OK');
  assert.equal(await redis.llen('l'), 800);
  assert.equal(await redis.lindex('l', 0), '100');
  assert.equal(await redis.lindex('l', -1), '899');
  assert.equal(await redis.ltrim('l', 5, 1), 'OK');
  assert.equal(await redis.exists('l'), 0);
});

test('LMOVE and RPOPLPUSH rotate a list onto itself and move between lists', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await redis.rpush('l', 'a', 'b', 'c');
  assert.equal(await redis.lmove('l', 'l', 'LEFT', 'RIGHT'), 'a');
  assert.deepEqual(await redis.lrange('l', 0, -1), ['b', 'c', 'a']);
  assert.equal(await redis.rpoplpush('l', 'l'), 'a');
  assert.deepEqual(await redis.lrange('l', 0, -1), ['a', 'b', 'c']);
  await redis.set('s', 'x');
  await assert.rejects(redis.lmove('l', 's', 'LEFT', 'LEFT'), WRONGTYPE);
  assert.equal(await redis.llen('l'), 3, 'a WRONGTYPE destination pops nothing');
  assert.equal(await redis.rpoplpush('missing', 'l'), null);
  await redis.del('one');
  await redis.rpush('one', 'only');
  assert.equal(await redis.lmove('one', 'one', 'RIGHT', 'LEFT'), 'only');
  assert.deepEqual(await redis.lrange('one', 0, -1), ['only']);
  assert.equal(await redis.rpoplpush('one', 'two'), 'only');
  assert.equal(await redis.exists('one'), 0);
});

test('LMPOP and blocking commands that find data propagate as their non-blocking forms', async (t) => {
  const node = await startNode(t);
  const propagated = recordPropagation(node);
  const redis = await connectIoredis(t, node.port);
  await redis.rpush('l', 'a', 'b', 'c', 'd', 'e', 'f');
  propagated.length = 0;
  assert.deepEqual(await redis.call('LMPOP', '2', 'missing', 'l', 'RIGHT', 'COUNT', '2'), ['l', ['f', 'e']]);
  assert.deepEqual(await redis.blpop('missing', 'l', 0), ['l', 'a']);
  assert.deepEqual(await redis.brpop('l', 0), ['l', 'd']);
  assert.equal(await redis.blmove('l', 'm', 'LEFT', 'RIGHT', 0), 'b');
  assert.equal(await redis.brpoplpush('l', 'm', 0), 'c');
  await redis.rpush('l', 'x', 'y');
  assert.deepEqual(await redis.call('BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '5'), ['l', ['x', 'y']]);
  assert.deepEqual(propagated, [
    ['RPOP', 'l', '2'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', 'l', 'm'],
    ['rpush', 'l', 'x', 'y'],
    ['LPOP', 'l', '2'],
  ]);
});
