import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlotDict } from './slot-dict.js';

const stamp = (clock: number) => ({ accessClock: () => clock });

test('set reports new keys, overwrites keep the key count', () => {
  const dict = new SlotDict();
  assert.equal(dict.set('a', '1', 10), true);
  assert.equal(dict.set('a', '2', 11), false);
  assert.equal(dict.size, 1);
  assert.equal(dict.get('a'), '2');
  assert.equal(dict.accessClockOf('a'), 11);
  assert.equal(dict.get('missing'), undefined);
  assert.equal(dict.accessClockOf('missing'), undefined);
});

test('getAndTouch stamps the access clock with the previous one given', () => {
  const dict = new SlotDict();
  dict.set('k', 'v', 5);
  let seen: number | undefined;
  const value = dict.getAndTouch('k', {
    accessClock: (previous) => {
      seen = previous;
      return 99;
    },
  });
  assert.equal(value, 'v');
  assert.equal(seen, 5);
  assert.equal(dict.accessClockOf('k'), 99);
  assert.equal(dict.getAndTouch('nope', stamp(1)), undefined);
  dict.setAccessClock('k', 7);
  assert.equal(dict.accessClockOf('k'), 7);
});

test('deleted cells are reused, and compaction keeps every value with its clock', () => {
  const dict = new SlotDict();
  const count = 1000;
  for (let i = 0; i < count; i++) dict.set(`k${i}`, `v${i}`, i);
  for (let i = 0; i < count; i += 2) assert.equal(dict.delete(`k${i}`), `v${i}`);
  assert.equal(dict.delete('k0'), undefined);
  assert.equal(dict.size, count / 2);
  for (let i = 1; i < count; i += 2) {
    assert.equal(dict.get(`k${i}`), `v${i}`);
    assert.equal(dict.accessClockOf(`k${i}`), i);
  }
  for (let i = 0; i < 10; i++) dict.set(`new${i}`, `n${i}`, 1);
  assert.equal(dict.size, count / 2 + 10);
  assert.deepEqual(
    [...dict.entries()].filter(([key]) => key.startsWith('new')).map(([, value]) => value),
    Array.from({ length: 10 }, (_, i) => `n${i}`),
  );
  assert.equal([...dict.keys()].length, dict.size);
});
