import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SortedSet } from './sorted-set.js';

const LIMITS = { maxListpackEntries: 4, maxListpackValueBytes: 8 };

test('a set stays listpack within the limits and converts to skiplist one way', () => {
  const zset = SortedSet.create(0, 1, LIMITS);
  for (const [i, m] of ['a', 'b', 'c', 'd'].entries()) zset.set(m, i, LIMITS);
  assert.equal(zset.encoding(), 'listpack');
  zset.set('e', 5, LIMITS);
  assert.equal(zset.encoding(), 'skiplist');
  zset.remove('e');
  zset.remove('d');
  assert.equal(zset.encoding(), 'skiplist');
  assert.equal(zset.score('a'), 0);
  assert.equal(zset.rank('c'), 2);
  const long = SortedSet.create(0, 1, LIMITS);
  long.set('123456789', 1, LIMITS);
  assert.equal(long.encoding(), 'skiplist');
  assert.equal(SortedSet.create(5, 1, LIMITS).encoding(), 'skiplist');
});

test('-0 becomes 0 in a listpack (its text reads back as an integer) but stays -0 in a skiplist', () => {
  const small = SortedSet.create(0, 1, LIMITS);
  small.set('z', -0, LIMITS);
  assert.ok(Object.is(small.score('z'), 0));
  const big = SortedSet.create(100, 1, LIMITS);
  big.set('z', -0, LIMITS);
  assert.ok(Object.is(big.score('z'), -0));
});

test('clone is deep and keeps the encoding; scanStep resumes after the last member returned', () => {
  const zset = SortedSet.create(100, 1, LIMITS);
  for (let i = 0; i < 100; i++) zset.set(`m${String(i).padStart(3, '0')}`, i % 10, LIMITS);
  const copy = zset.clone() as SortedSet;
  copy.remove('m000');
  assert.equal(zset.size, 100);
  assert.equal(copy.encoding(), 'skiplist');
  const seen: string[] = [];
  let cursor = 0;
  let steps = 0;
  do {
    cursor = zset.scanStep(cursor, 7, (member) => seen.push(member));
    if (steps === 3) zset.remove(seen[0] as string);
    steps++;
  } while (cursor !== 0 && steps < 100);
  assert.equal(new Set(seen).size, 100);
});
