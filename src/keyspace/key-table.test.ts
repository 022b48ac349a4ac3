import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../lib/random.js';
import { KeyTable } from './key-table.js';

test('behaves like a Map under random operations, through compactions', () => {
  const random = new SeededRandom(7);
  const table = new KeyTable();
  const model = new Map<string, string>();
  for (let step = 0; step < 50_000; step++) {
    const key = `k${random.int(2000)}`;
    const op = random.int(3);
    if (op === 0) {
      const value = `v${step}`;
      assert.equal(table.set(key, value, step), !model.has(key));
      model.set(key, value);
    } else if (op === 1) {
      assert.equal(table.delete(key), model.get(key));
      model.delete(key);
    } else {
      assert.equal(table.get(key), model.get(key));
    }
  }
  assert.equal(table.size, model.size);
  assert.deepEqual(new Map(table.entries()), model);
});

test('access clocks are kept per key and stamped by getAndTouch', () => {
  const table = new KeyTable();
  table.set('a', 'x', 10);
  assert.equal(table.accessClockOf('a'), 10);
  let seen: number | undefined;
  table.getAndTouch('a', {
    accessClock: (previous) => {
      seen = previous;
      return 42;
    },
  });
  assert.equal(seen, 10);
  assert.equal(table.accessClockOf('a'), 42);
  table.setAccessClock('a', 7);
  assert.equal(table.accessClockOf('a'), 7);
  assert.equal(table.accessClockOf('missing'), undefined);
});

test('randomKey returns only live keys and reaches all of them', () => {
  const random = new SeededRandom(3);
  const table = new KeyTable();
  for (let i = 0; i < 100; i++) table.set(`k${i}`, 'v', 0);
  for (let i = 0; i < 100; i += 2) table.delete(`k${i}`);
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const key = table.randomKey(random);
    assert.ok(key !== undefined && table.has(key), `live key, got ${key}`);
    seen.add(key);
  }
  assert.equal(seen.size, 50);
  assert.equal(new KeyTable().randomKey(random), undefined);
});

test('a live key iterator visits every key present for its whole life once', () => {
  const table = new KeyTable();
  for (let i = 0; i < 1000; i++) table.set(`k${i}`, 'v', 0);
  const iterator = table.keyIterator();
  const visited = new Map<string, number>();
  let step = 0;
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    visited.set(next.value, (visited.get(next.value) ?? 0) + 1);
    // Churn while iterating: delete and add other keys (forcing compactions).
    // (bounded: a live iterator also visits keys added during the walk).
    if (step < 2000) {
      table.delete(`k${500 + ((step * 7) % 500)}`);
      table.set(`new${step}`, 'v', 0);
    }
    step++;
  }
  for (let i = 0; i < 500; i++) assert.equal(visited.get(`k${i}`), 1, `k${i} visited once`);
});
