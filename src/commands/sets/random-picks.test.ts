import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../lib/random.js';
import { distinctRandomIndexes } from './random-picks.js';

test('distinct indexes: the right count, no repeats, in range, both strategies', () => {
  const random = new SeededRandom(3);
  for (const [size, count] of [[10, 9], [10, 4], [1000, 10], [1000, 600], [2, 1]] as const) {
    const picks = distinctRandomIndexes(random, size, count);
    assert.equal(picks.length, count);
    assert.equal(new Set(picks).size, count);
    for (const i of picks) assert.ok(i >= 0 && i < size);
  }
});

test('every index can be drawn', () => {
  const random = new SeededRandom(9);
  const seen = new Set<number>();
  for (let n = 0; n < 200; n++) for (const i of distinctRandomIndexes(random, 20, 2)) seen.add(i);
  assert.equal(seen.size, 20);
});
