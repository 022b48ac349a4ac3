import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVICTION_POOL_SIZE, EvictionPool } from './eviction-pool.js';
import { evictionTimeLimitUs, parsePolicy } from './policy.js';
import { hashKey } from '../../keyspace/key-hash.js';

/** A fingerprint as the evictor makes for volatile sampling: a hash of the key. */
const fp = (key: string): number => hashKey(key, 0);

/** Accepts every candidate as it is (these tests insert key candidates only). */
const asEntry = (dbIndex: number, key: string | null): { dbIndex: number; key: string } => ({ dbIndex, key: key as string });

function drain(pool: EvictionPool): string[] {
  const keys: string[] = [];
  for (let entry = pool.popBest(asEntry); entry !== undefined; entry = pool.popBest(asEntry)) keys.push(entry.key);
  return keys;
}

test('the pool gives candidates best (highest score) first', () => {
  const pool = new EvictionPool();
  pool.insert(5, 0, 'five', fp('five'));
  pool.insert(1, 0, 'one', fp('one'));
  pool.insert(9, 1, 'nine', fp('nine'));
  pool.insert(3, 0, 'three', fp('three'));
  assert.deepEqual(drain(pool), ['nine', 'five', 'three', 'one']);
});

test('a full pool keeps the best EVICTION_POOL_SIZE candidates and ignores worse ones', () => {
  const pool = new EvictionPool();
  for (let i = 0; i < 40; i++) pool.insert((i * 7) % 40, 0, `k${(i * 7) % 40}`, fp(`k${(i * 7) % 40}`));
  pool.insert(-1, 0, 'worst', fp('worst'));
  assert.equal(pool.size, EVICTION_POOL_SIZE);
  const expected = Array.from({ length: EVICTION_POOL_SIZE }, (_, i) => `k${39 - i}`);
  assert.deepEqual(drain(pool), expected);
});

test('a key offered again is re-scored, not duplicated; same key in another db is distinct', () => {
  const pool = new EvictionPool();
  pool.insert(10, 0, 'a', fp('a'));
  pool.insert(2, 0, 'b', fp('b'));
  pool.insert(1, 0, 'a', fp('a'));
  pool.insert(3, 1, 'a', fp('a'));
  assert.equal(pool.size, 3);
  const order: Array<[number, string]> = [];
  for (let entry = pool.popBest(asEntry); entry !== undefined; entry = pool.popBest(asEntry)) order.push([entry.dbIndex, entry.key]);
  assert.deepEqual(order, [
    [1, 'a'],
    [0, 'b'],
    [0, 'a'],
  ]);
});

test('popBest skips (and drops) candidates that are no longer valid', () => {
  const pool = new EvictionPool();
  pool.insert(1, 0, 'live', fp('live'));
  pool.insert(2, 0, 'gone', fp('gone'));
  assert.deepEqual(pool.popBest((dbIndex, key) => (key !== 'gone' ? asEntry(dbIndex, key) : undefined)), { dbIndex: 0, key: 'live' });
  assert.equal(pool.size, 0);
  assert.equal(pool.popBest(asEntry), undefined);
});

test('policies parse into scope and rank; the time limit follows Redis evictionTimeLimitUs', () => {
  assert.deepEqual(parsePolicy('noeviction'), { scope: 'none', rank: 'random' });
  assert.deepEqual(parsePolicy('allkeys-lru'), { scope: 'allkeys', rank: 'lru' });
  assert.deepEqual(parsePolicy('volatile-ttl'), { scope: 'volatile', rank: 'ttl' });
  assert.deepEqual(parsePolicy('volatile-lfu'), { scope: 'volatile', rank: 'lfu' });
  assert.equal(evictionTimeLimitUs(0), 0);
  assert.equal(evictionTimeLimitUs(10), 500);
  assert.equal(Math.round(evictionTimeLimitUs(11)), 575);
  assert.equal(evictionTimeLimitUs(100), Number.POSITIVE_INFINITY);
});

test('position candidates: the same position and epoch is one entry; another epoch is another candidate', () => {
  const pool = new EvictionPool();
  pool.insert(5, 0, null, 42, 7);
  pool.insert(6, 0, null, 42, 7); // re-scored, not added twice
  pool.insert(1, 0, null, 42, 8); // after a compaction position 42 is another key
  pool.insert(3, 0, 'named', fp('named'));
  const seen: Array<[string | null, number, number]> = [];
  while (pool.popBest((_db, key, fingerprint, epoch) => seen.push([key, fingerprint, epoch])) !== undefined);
  assert.deepEqual(seen, [
    [null, 42, 7],
    ['named', fp('named'), 0],
    [null, 42, 8],
  ]);
});

test('a full pool skips a candidate no better than its worst, even one it holds (as Redis: no re-score then)', () => {
  const pool = new EvictionPool();
  for (let i = 0; i < EVICTION_POOL_SIZE; i++) pool.insert(10 + i, 0, `k${i}`, fp(`k${i}`));
  // k5 (score 15) offered again with a score below every entry: skipped, k5 keeps 15.
  pool.insert(1, 0, 'k5', fp('k5'));
  // A tie with the worst is no better either.
  pool.insert(10, 0, 'tie', fp('tie'));
  assert.equal(pool.size, EVICTION_POOL_SIZE);
  const expected = Array.from({ length: EVICTION_POOL_SIZE }, (_, i) => `k${EVICTION_POOL_SIZE - 1 - i}`);
  assert.deepEqual(drain(pool), expected, 'the pool is unchanged');
});
