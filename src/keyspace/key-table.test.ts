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
  // LFU (lruClock -1): the stamp is computed from the previous one.
  let seen: number | undefined;
  table.getAndTouch('a', {
    lruClock: -1,
    accessClock: (previous) => {
      seen = previous;
      return 42;
    },
  });
  assert.equal(seen, 10);
  assert.equal(table.accessClockOf('a'), 42);
  // LRU: the clock is stored as given, without asking for one.
  table.getAndTouch('a', {
    lruClock: 99,
    accessClock: () => assert.fail('LRU stamps need no previous clock'),
  });
  assert.equal(table.accessClockOf('a'), 99);
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

test('a cursor visits every key present for its whole life once, through compactions', () => {
  const table = new KeyTable();
  for (let i = 0; i < 1000; i++) table.set(`k${i}`, 'v', 0);
  const cursor = table.openCursor();
  const visited = new Map<string, number>();
  let step = 0;
  for (let key = table.nextKey(cursor); key !== undefined; key = table.nextKey(cursor)) {
    visited.set(key, (visited.get(key) ?? 0) + 1);
    // Churn while walking: delete half the keys (forcing compactions) and add new ones.
    if (step < 500) {
      table.delete(`k${500 + ((step * 7) % 500)}`);
      table.delete(`k${500 + step}`);
      table.set(`new${step}`, 'v', 0);
    }
    step++;
  }
  for (let i = 0; i < 500; i++) assert.equal(visited.get(`k${i}`), 1, `k${i} visited once`);
  // It ends where the table ended when it was opened: keys added during the walk are not visited.
  assert.equal(visited.get('new0'), undefined);
  assert.ok(step <= 1000, `walk bounded by the cells present at the start (${step} steps)`);
});

test('insertion order survives deletes and compactions (keys(), GETKEYSINSLOT order)', () => {
  const table = new KeyTable();
  const model: string[] = [];
  for (let i = 0; i < 3000; i++) {
    table.set(`k${i}`, 'v', 0);
    model.push(`k${i}`);
    if (i % 3 !== 0) {
      const victim = `k${i - 1}`;
      if (table.delete(victim) !== undefined) model.splice(model.indexOf(victim), 1);
    }
  }
  // Re-adding a key puts it last, like a Map.
  table.delete('k5');
  table.set('k5', 'again', 0);
  assert.ok(model.includes('k5'));
  model.splice(model.indexOf('k5'), 1);
  model.push('k5');
  assert.deepEqual([...table.keys()], model);
});

test('the index stays correct through growth, mass deletes and shrinking', () => {
  const table = new KeyTable();
  for (let i = 0; i < 20_000; i++) table.set(`key:${i}`, `v${i}`, i);
  for (let i = 0; i < 20_000; i += 1) if (i % 97 !== 0) table.delete(`key:${i}`);
  for (let i = 0; i < 20_000; i++) assert.equal(table.get(`key:${i}`), i % 97 === 0 ? `v${i}` : undefined);
  assert.equal(table.size, Math.ceil(20_000 / 97));
  for (let i = 0; i < 20_000; i++) table.delete(`key:${i}`);
  assert.equal(table.size, 0);
  assert.equal(table.cellCount, 0);
  table.set('again', 'x', 0);
  assert.equal(table.get('again'), 'x');
});

test('reserve sizes the index ahead of a load; lookups and deletes work as before', () => {
  const table = new KeyTable();
  table.set('before', 'b', 0);
  table.reserve(5000);
  for (let i = 0; i < 5000; i++) table.set(`k${i}`, `v${i}`, 0);
  assert.equal(table.get('before'), 'b');
  for (let i = 0; i < 5000; i += 7) assert.equal(table.delete(`k${i}`), `v${i}`);
  for (let i = 0; i < 5000; i++) assert.equal(table.get(`k${i}`), i % 7 === 0 ? undefined : `v${i}`);
});

test('a bulk load indexes its keys at the end, keeps the first of a duplicated key, and any use finishes it', () => {
  const table = new KeyTable();
  table.set('existing', 'e', 0);
  table.beginBulk();
  for (let i = 0; i < 5000; i++) table.bulkAppend(`k${i}`, `v${i}`, i);
  table.bulkAppend('k7', 'second', 0);
  table.bulkAppend('existing', 'again', 0);
  assert.equal(table.size, 5003, 'counted before indexing');
  assert.deepEqual(table.endBulk().sort(), ['existing', 'k7']);
  assert.equal(table.size, 5001);
  assert.equal(table.get('k7'), 'v7');
  assert.equal(table.get('existing'), 'e');
  for (let i = 0; i < 5000; i += 3) assert.equal(table.accessClockOf(`k${i}`), i);
  assert.deepEqual([...table.keys()].slice(0, 3), ['existing', 'k0', 'k1'], 'insertion order kept');
  // A lookup in the middle of a bulk load finishes it; later appends start over consistently.
  table.beginBulk();
  table.bulkAppend('late1', 'x', 0);
  assert.equal(table.get('late1'), 'x');
  assert.equal(table.bulkLoading, false);
  table.bulkAppend('late2', 'y', 0);
  assert.equal(table.get('late2'), 'y');
  assert.deepEqual(table.endBulk(), []);
});

test('samplePositions gives live positions with their clocks; positionEpoch moves on compaction and clear', () => {
  const random = new SeededRandom(11);
  const table = new KeyTable();
  for (let i = 0; i < 1000; i++) table.set(`k${i}`, 'v', i);
  for (let i = 0; i < 1000; i += 2) table.delete(`k${i}`); // 500 dead cells: below half, no compaction
  const epoch = table.positionEpoch;
  const positions: number[] = [];
  const clocks: number[] = [];
  table.samplePositions(random, 200, positions, clocks);
  assert.equal(positions.length, 200);
  for (let i = 0; i < positions.length; i++) {
    const key = table.keyAt(positions[i] as number);
    assert.ok(key !== undefined, 'a sampled position holds a live key');
    assert.equal(clocks[i], Number(key.slice(1)), 'with that key\'s clock');
    assert.equal(table.accessClockOf(key), clocks[i]);
  }
  assert.equal(table.positionEpoch, epoch, 'positions hold until the cells move');
  for (let i = 1; i < 1000; i += 4) table.delete(`k${i}`); // now most cells are dead: compaction
  assert.notEqual(table.positionEpoch, epoch);
  const afterCompaction = table.positionEpoch;
  for (let i = 3; i < 1000; i += 4) assert.equal(table.accessClockOf(`k${i}`), i, 'clocks move with their cells');
  for (let i = 3; i < 1000; i += 4) table.delete(`k${i}`);
  assert.equal(table.size, 0);
  assert.notEqual(table.positionEpoch, afterCompaction, 'emptied and cleared');
  table.samplePositions(random, 5, positions, clocks);
  assert.equal(positions.length, 200, 'an empty table samples nothing');
});

test('replaceValue overwrites a present key in place, keeping its access clock; absent keys are not added', () => {
  const table = new KeyTable();
  table.set('a', 'x', 10);
  table.set('b', 'y', 20);
  assert.equal(table.replaceValue('a', 'x2'), true);
  assert.equal(table.get('a'), 'x2');
  assert.equal(table.accessClockOf('a'), 10, 'the clock is the one the key had');
  assert.equal(table.positionOf('a'), 0, 'the key keeps its cell (insertion order)');
  assert.equal(table.replaceValue('c', 'z'), false);
  assert.equal(table.get('c'), undefined);
  assert.equal(table.size, 2);
});
