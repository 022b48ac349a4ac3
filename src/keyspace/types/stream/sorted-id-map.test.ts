import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SortedIdMap } from './sorted-id-map.js';

test('SortedIdMap keeps id order through front removals, inserts and middle removals', () => {
  const map = new SortedIdMap<number>();
  const model = new Map<number, number>();
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let step = 0; step < 5000; step++) {
    const op = next(10);
    const ms = next(300);
    if (op < 5) {
      assert.equal(map.set({ ms, seq: 0 }, step), !model.has(ms));
      model.set(ms, step);
    } else if (op < 8) {
      const first = map.first();
      if (first !== undefined) {
        assert.equal(map.delete(first), true);
        model.delete(first.ms as number);
      }
    } else {
      assert.equal(map.delete({ ms, seq: 0 }), model.delete(ms));
    }
    assert.equal(map.size, model.size);
  }
  const keys = [...model.keys()].sort((a, b) => a - b);
  assert.deepEqual(
    [...map.entries()].map(([id]) => id.ms),
    keys,
  );
  for (const [i, key] of keys.entries()) {
    assert.equal(map.idAt(i)?.ms, key);
    assert.equal(map.get({ ms: key, seq: 0 }), model.get(key));
    assert.equal(map.lowerBound({ ms: key, seq: 0 }), i);
  }
  assert.equal(map.last()?.ms, keys[keys.length - 1]);
});
