import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyHashSlot } from '../lib/hash-slot.js';
import { SeededRandom } from '../lib/random.js';
import { Keyspace } from './keyspace.js';

test('GETKEYSINSLOT order is newest first, like Redis 7.0 per-slot lists', () => {
  const db = new Keyspace({ databaseCount: 1 }).db(0);
  for (const key of ['bar', '{bar}x', '{bar}y']) db.set(key, '1');
  assert.deepEqual(db.keysInSlot(5061, 10), ['{bar}y', '{bar}x', 'bar']);
  db.set('bar', '5'); // an overwrite keeps its place
  assert.deepEqual(db.keysInSlot(5061, 10), ['{bar}y', '{bar}x', 'bar']);
  db.delete('{bar}x');
  db.set('{bar}x', '1');
  assert.deepEqual(db.keysInSlot(5061, 10), ['{bar}x', '{bar}y', 'bar']);
  assert.deepEqual(db.keysInSlot(5061, 2), ['{bar}x', '{bar}y']);
  assert.deepEqual(db.keysInSlot(5061, 0), []);
  assert.deepEqual(db.keysInSlot(0, 10), []);
  db.flush();
  assert.deepEqual(db.keysInSlot(5061, 10), []);
  db.set('bar', '1');
  assert.deepEqual(db.keysInSlot(5061, 10), ['bar']);
});

test('the index agrees with a model list through random adds, deletes and re-adds', () => {
  const random = new SeededRandom(7);
  const db = new Keyspace({ databaseCount: 1 }).db(0);
  // 40 keys in one slot, 20 in others; the model is Redis's list: add at head, delete anywhere.
  const names = [...Array.from({ length: 40 }, (_, i) => `{t}${i}`), ...Array.from({ length: 20 }, (_, i) => `o${i}`)];
  const slot = keyHashSlot('{t}');
  const model: string[] = [];
  for (let step = 0; step < 5000; step++) {
    const key = names[random.int(names.length)] as string;
    if (random.int(3) === 0) {
      if (db.delete(key) !== undefined && keyHashSlot(key) === slot) model.splice(model.indexOf(key), 1);
    } else {
      const existed = db.exists(key);
      db.set(key, 'v');
      if (!existed && keyHashSlot(key) === slot) model.unshift(key);
    }
    if (step % 50 === 0 || step === 4999) {
      assert.deepEqual(db.keysInSlot(slot, 1000), model, `step ${step}`);
      assert.deepEqual(db.keysInSlot(slot, 3), model.slice(0, 3));
    }
  }
});
