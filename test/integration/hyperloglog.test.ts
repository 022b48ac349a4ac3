import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { connectIoredis } from '../support/clients.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';
import type { ContainerValue } from '../../src/keyspace/stored-value.js';
import { RawString } from '../../src/keyspace/raw-string.js';

/**
 * HyperLogLog against a real redis-server 7.0: the same commands on both, and the values (GET
 * bytes), counts and encodings must be identical, across the sparse → dense promotion.
 */

interface Pair {
  redis: Redis;
  tessera: Redis;
  node: InProcessNode;
}

async function startPair(t: TestContext): Promise<Pair> {
  const real = await startRedisServer();
  t.after(() => real.stop());
  const node = await startTessera();
  t.after(() => node.stop());
  return { redis: await connectIoredis(t, real.port), tessera: await connectIoredis(t, node.port), node };
}

/** Runs a command on both and asserts the same reply (or the same error). */
async function both(pair: Pair, args: (string | Buffer)[]): Promise<unknown> {
  const run = (client: Redis) =>
    client.callBuffer(args[0] as string, ...args.slice(1)).then(
      (reply: unknown) => ({ reply }),
      (error: Error) => ({ error: error.message }),
    );
  const [expected, actual] = await Promise.all([run(pair.redis), run(pair.tessera)]);
  assert.deepEqual(actual, expected, `reply to ${args.map(String).join(' ').slice(0, 120)}`);
  return expected;
}

async function assertSameValue(pair: Pair, key: string, label: string): Promise<void> {
  const [expected, actual] = await Promise.all([pair.redis.getBuffer(key), pair.tessera.getBuffer(key)]);
  assert.ok(expected !== null && actual !== null, `${label}: ${key} exists`);
  assert.equal(actual.toString('hex'), expected.toString('hex'), `${label}: bytes of ${key}`);
}

/** A seeded generator of elements: mostly text, some binary, of varied lengths. */
function elementGenerator(seed: number): () => Buffer {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  let counter = 0;
  return () => {
    counter++;
    const kind = next() % 10;
    if (kind < 6) return Buffer.from(`el:${seed}:${counter}`);
    const length = next() % 40;
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = next() & 0xff;
    return bytes;
  };
}

test('PFADD builds byte-identical HLLs and PFCOUNT equal counts, sparse to dense', async (t) => {
  const pair = await startPair(t);
  const sizes = [0, 1, 2, 7, 40, 150, 600, 1500, 2500, 3500, 6000, 15000, 40000];
  for (const size of sizes) {
    const key = `hll:${size}`;
    const nextElement = elementGenerator(size + 17);
    let added = 0;
    let batch = 1;
    await both(pair, ['PFADD', key]);
    while (added < size) {
      const elements: Buffer[] = [];
      for (let i = 0; i < batch && added < size; i++, added++) elements.push(nextElement());
      await both(pair, ['PFADD', key, ...elements]);
      batch = Math.min(batch * 2 + 1, 997);
      if (size <= 3500 || added === size) {
        await assertSameValue(pair, key, `after ${added}`);
        await both(pair, ['PFCOUNT', key]);
        await assertSameValue(pair, key, `cache after ${added}`);
      }
    }
    // Re-adding the same elements changes nothing.
    const again = elementGenerator(size + 17);
    await both(pair, ['PFADD', key, ...Array.from({ length: Math.min(size, 50) }, again)]);
    await both(pair, ['PFDEBUG', 'ENCODING', key]);
    await both(pair, ['OBJECT', 'ENCODING', key]);
    await both(pair, ['PFCOUNT', key]);
  }
  await both(pair, ['PFCOUNT', 'hll:0', 'hll:7', 'hll:1500', 'hll:6000', 'missing']);
  await both(pair, ['PFCOUNT', 'hll:40', 'hll:600']);
});

test('PFMERGE of sparse and dense inputs gives the same bytes as Redis', async (t) => {
  const pair = await startPair(t);
  const fill = async (key: string, count: number, seed: number) => {
    const next = elementGenerator(seed);
    for (let added = 0; added < count; added += 500) {
      await both(pair, ['PFADD', key, ...Array.from({ length: Math.min(500, count - added) }, next)]);
    }
  };
  await fill('a', 30, 1);
  await fill('b', 200, 2);
  await fill('c', 5000, 3);
  await both(pair, ['PFMERGE', 'ab', 'a', 'b']);
  await assertSameValue(pair, 'ab', 'sparse merge');
  await both(pair, ['PFMERGE', 'abc', 'a', 'b', 'c', 'missing']);
  await assertSameValue(pair, 'abc', 'dense merge');
  await both(pair, ['PFMERGE', 'a', 'b']);
  await assertSameValue(pair, 'a', 'merge into a source');
  await both(pair, ['PFMERGE', 'empty', 'missing1']);
  await assertSameValue(pair, 'empty', 'merge of nothing');
  await both(pair, ['PFCOUNT', 'ab']);
  await both(pair, ['PFCOUNT', 'abc']);
  await both(pair, ['PFCOUNT', 'a', 'b', 'c']);
  await assertSameValue(pair, 'abc', 'after count');
  // Many small sparse inputs whose union crosses the sparse limit while merging.
  for (let i = 0; i < 12; i++) await fill(`s${i}`, 250, 100 + i);
  await both(pair, ['PFMERGE', 'union', ...Array.from({ length: 12 }, (_, i) => `s${i}`)]);
  await assertSameValue(pair, 'union', 'promoted while merging');
  await both(pair, ['PFDEBUG', 'ENCODING', 'union']);
});

test('values cross over: Redis bytes work in Tessera and Tessera bytes in Redis', async (t) => {
  const pair = await startPair(t);
  const next = elementGenerator(5);
  const sparseElements = Array.from({ length: 100 }, next);
  const denseElements = Array.from({ length: 4000 }, next);
  await pair.redis.pfadd('r:sparse', ...sparseElements);
  await pair.redis.pfadd('r:dense', ...denseElements);
  await pair.tessera.pfadd('t:sparse', ...sparseElements);
  await pair.tessera.pfadd('t:dense', ...denseElements);
  for (const name of ['sparse', 'dense']) {
    const fromRedis = await pair.redis.getBuffer(`r:${name}`);
    const fromTessera = await pair.tessera.getBuffer(`t:${name}`);
    assert.ok(fromRedis !== null && fromTessera !== null);
    assert.deepEqual(fromTessera, fromRedis);
    await pair.tessera.set(`x:${name}`, fromRedis);
    await pair.redis.set(`x:${name}`, fromTessera);
    await both(pair, ['OBJECT', 'ENCODING', `x:${name}`]);
    await both(pair, ['PFCOUNT', `x:${name}`]);
    await both(pair, ['OBJECT', 'ENCODING', `x:${name}`]);
    await both(pair, ['PFADD', `x:${name}`, 'one more', 'and another']);
    await both(pair, ['PFCOUNT', `x:${name}`]);
    await assertSameValue(pair, `x:${name}`, `crossed ${name}`);
  }
});

test('hll-sparse-max-bytes moves the promotion point like in Redis', async (t) => {
  const pair = await startPair(t);
  for (const limit of ['0', '60', '700', '20000']) {
    await both(pair, ['CONFIG', 'SET', 'hll-sparse-max-bytes', limit]);
    const key = `limit:${limit}`;
    const next = elementGenerator(Number(limit) + 3);
    for (let round = 0; round < 12; round++) {
      await both(pair, ['PFADD', key, ...Array.from({ length: 40 * (round + 1) }, next)]);
      await assertSameValue(pair, key, `limit ${limit} round ${round}`);
    }
    await both(pair, ['PFCOUNT', key]);
  }
});

test('errors and corrupt values: WRONGTYPE, INVALIDOBJ and PFDEBUG replies as in Redis', async (t) => {
  const pair = await startPair(t);
  const header = (encoding: number, cacheFlag = 0x80) =>
    Buffer.concat([Buffer.from('HYLL'), Buffer.from([encoding, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, cacheFlag])]);
  await both(pair, ['SET', 'str', 'not an hll at all']);
  // Lists come with another branch: a stand-in list value in Tessera.
  await pair.redis.rpush('list', 'x');
  const list: ContainerValue = { type: 'list', size: 1, encoding: () => 'listpack', clone: () => list, memoryUsageBytes: () => 0 };
  pair.node.server.keyspace.db(0).set('list', list);
  await both(pair, ['SET', 'short', Buffer.from('HYLL\x01')]);
  await both(pair, ['SET', 'badenc', header(2)]);
  await both(pair, ['SET', 'shortdense', Buffer.concat([header(0), Buffer.alloc(100)])]);
  await both(pair, ['SET', 'nocover', header(1)]);
  // Opcodes covering too many registers (XZERO 16384 twice).
  await both(pair, ['SET', 'overcover', Buffer.concat([header(1), Buffer.from([0x7f, 0xff, 0x7f, 0xff])])]);
  // A sparse value with a stale cache that a VAL past the end makes corrupt.
  await both(pair, ['SET', 'valover', Buffer.concat([header(1), Buffer.from([0x7f, 0xfe, 0x83])])]);
  // Exactly 16384 registers, then a VAL past the end: corrupt for the CVE-2025-32023-patched
  // reference server (the 7.0.15 source would accept it in PFMERGE).
  await both(pair, ['SET', 'valafterfull', Buffer.concat([header(1), Buffer.from([0x7f, 0xff, 0x80])])]);
  // A valid sparse HLL with a valid cache holding a made-up count.
  await both(pair, ['SET', 'cached', Buffer.concat([header(1, 0), Buffer.from([0x7f, 0xff])])]);
  for (const key of ['str', 'list', 'short', 'badenc', 'shortdense', 'nocover', 'overcover', 'valover', 'valafterfull', 'cached', 'missing']) {
    await both(pair, ['PFADD', key, 'a', 'b']);
    await both(pair, ['PFCOUNT', key]);
    await both(pair, ['PFCOUNT', key, 'missing']);
    await both(pair, ['PFMERGE', 'dest', key]);
    for (const sub of ['ENCODING', 'DECODE', 'TODENSE', 'getreg']) await both(pair, ['PFDEBUG', sub, key]);
    if (key === 'list' || key === 'missing') continue;
    await both(pair, ['OBJECT', 'ENCODING', key]);
    await assertSameValue(pair, key, `after commands on ${key}`);
  }
  await both(pair, ['PFDEBUG', 'nosuch', 'cached']);
  await both(pair, ['PFDEBUG', 'nosuch', 'missing']);
  await both(pair, ['PFADD']);
  await both(pair, ['PFCOUNT']);
  await both(pair, ['PFMERGE']);
  await both(pair, ['PFDEBUG', 'encoding']);
});

test('hand-made dense registers (up to 63, all at the cap) count like Redis, past 2^53 too', async (t) => {
  const pair = await startPair(t);
  const denseWith = (registerOf: (i: number) => number) => {
    const bytes = Buffer.alloc(16 + 12288);
    bytes.write('HYLL', 0, 'latin1');
    bytes[15] = 0x80;
    for (let i = 0; i < 16384; i++) {
      const value = registerOf(i);
      const bit = i * 6;
      const at = 16 + (bit >>> 3);
      const shift = bit & 7;
      bytes[at] = (bytes[at] as number) | ((value << shift) & 0xff);
      if (shift > 2) bytes[at + 1] = (bytes[at + 1] as number) | (value >>> (8 - shift));
    }
    return bytes;
  };
  const cases: [string, (i: number) => number][] = [
    ['all51', () => 51],
    ['all50', () => 50],
    ['all63', () => 63],
    ['all40', () => 40],
    ['mixed', (i) => (i * 7) % 64],
    ['half', (i) => (i % 2 === 0 ? 0 : 30)],
  ];
  for (const [key, registerOf] of cases) {
    await both(pair, ['SET', key, denseWith(registerOf)]);
    await both(pair, ['PFCOUNT', key]);
    await assertSameValue(pair, key, key);
    await both(pair, ['PFCOUNT', key]);
    await both(pair, ['PFCOUNT', key, 'missing']);
    await both(pair, ['PFMERGE', `${key}:copy`, key]);
    await assertSameValue(pair, `${key}:copy`, `${key} merged`);
  }
});

test('PFADD and PFCOUNT edit a dense HLL in place: same value object, same buffer', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await client.pfadd('d', ...Array.from({ length: 5000 }, (_, i) => `x${i}`));
  assert.equal(await client.call('PFDEBUG', 'ENCODING', 'd'), 'dense');
  const db = node.server.keyspace.db(0);
  const before = db.peek('d') as RawString;
  assert.ok(before instanceof RawString);
  const buffer = before.bytes;
  for (let i = 0; i < 200; i++) await client.pfadd('d', `more${i}`, `and${i}`);
  await client.pfcount('d');
  const after = db.peek('d') as RawString;
  assert.equal(after, before);
  assert.equal(after.bytes, buffer);
});

test('random, often corrupt, sparse opcode streams behave as in Redis', async (t) => {
  const pair = await startPair(t);
  let state = 0x9e3779b9;
  const next = (max: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % max;
  };
  const randomOpcode = (): number[] => {
    const kind = next(3);
    if (kind === 0) return [next(64)]; // ZERO
    if (kind === 1) return [0x40 | next(64), next(256)]; // XZERO
    return [0x80 | next(128)]; // VAL
  };
  const valueCount = 400;
  for (let v = 0; v < valueCount; v++) {
    const key = `r${v}`;
    const opcodes: number[] = [];
    if (next(2) === 0) {
      // Mostly valid: a run that sums to 16384 registers, built from random small opcodes.
      let covered = 0;
      while (covered < 16384) {
        const left = 16384 - covered;
        const choice = next(3);
        if (choice === 0 && left >= 1) {
          const len = 1 + next(Math.min(4, left));
          opcodes.push(0x80 | (next(32) << 2) | (len - 1));
          covered += len;
        } else if (choice === 1) {
          const len = 1 + next(Math.min(64, left));
          opcodes.push(len - 1);
          covered += len;
        } else {
          const len = 1 + next(Math.min(16384, left));
          opcodes.push(0x40 | ((len - 1) >>> 8), (len - 1) & 0xff);
          covered += len;
        }
      }
      // Sometimes break it slightly.
      if (next(4) === 0) opcodes.splice(next(opcodes.length), 1);
    } else {
      const count = next(30);
      for (let i = 0; i < count; i++) opcodes.push(...randomOpcode());
    }
    const header = Buffer.from([0x48, 0x59, 0x4c, 0x4c, 1, 0, 0, 0, next(256), 0, 0, 0, 0, 0, 0, next(2) * 0x80]);
    await both(pair, ['SET', key, Buffer.concat([header, Buffer.from(opcodes)])]);
    const step = next(5);
    if (step === 0) await both(pair, ['PFADD', key, ...Array.from({ length: 1 + next(300) }, (_, i) => `e${v}:${i}`)]);
    if (step === 1) await both(pair, ['PFMERGE', key, `r${next(v + 1)}`]);
    if (step === 2) await both(pair, ['PFDEBUG', 'TODENSE', key]);
    if (step === 3) await both(pair, ['PFDEBUG', 'DECODE', key]);
    await both(pair, ['PFCOUNT', key]);
    await both(pair, ['PFCOUNT', key, `r${next(v + 1)}`]);
    await assertSameValue(pair, key, `random value ${v}`);
  }
});
