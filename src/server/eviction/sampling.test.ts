import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyspace } from '../../keyspace/keyspace.js';
import { SeededRandom } from '../../lib/random.js';

function makeDb() {
  const keyspace = new Keyspace({ databaseCount: 1 });
  keyspace.nowMs = 1_000_000;
  return { keyspace, db: keyspace.db(0), random: new SeededRandom(11) };
}

test('sampleKeys draws existing keys without touching their access clocks', () => {
  const { db, random } = makeDb();
  for (let i = 0; i < 100; i++) db.setWithAccessClock(`k${i}`, 'v', 42);
  const out: string[] = [];
  const clocks: number[] = [];
  db.sampleKeys(random, 5, out, clocks);
  assert.equal(out.length, 5);
  assert.deepEqual(clocks, [42, 42, 42, 42, 42]);
  for (const key of out) {
    assert.ok(db.exists(key));
    assert.equal(db.accessClockOf(key), 42);
  }
  const empty = makeDb();
  const none: string[] = [];
  empty.db.sampleKeys(empty.random, 5, none, []);
  assert.deepEqual(none, []);
});

test('sampleVolatileKeys only offers keys with a TTL, dense or sparse', () => {
  for (const withoutTtl of [10, 10_000]) {
    const { keyspace, db, random } = makeDb();
    for (let i = 0; i < withoutTtl; i++) db.set(`p${i}`, 'v');
    for (let i = 0; i < 20; i++) {
      db.set(`t${i}`, 'v');
      db.setExpireAtMs(`t${i}`, keyspace.nowMs + 1000 + i);
    }
    const seen = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const out: string[] = [];
      const clocks: number[] = [];
      db.sampleVolatileKeys(random, 5, out, clocks);
      assert.ok(out.length > 0 && out.length <= 5);
      assert.equal(clocks.length, out.length);
      for (const [i, key] of out.entries()) {
        assert.ok(db.expireAtMs(key) !== undefined, `${key} has a TTL`);
        assert.equal(clocks[i], db.accessClockOf(key));
        seen.add(key);
      }
    }
    // Over enough rounds every key with a TTL is offered (the sparse case walks them in turn).
    assert.equal(seen.size, 20, `with ${withoutTtl} keys without TTL`);
  }
});

test('sampleVolatileKeys offers nothing when no key has a TTL', () => {
  const { db, random } = makeDb();
  db.set('a', 'v');
  const out: string[] = [];
  db.sampleVolatileKeys(random, 5, out, []);
  assert.deepEqual(out, []);
});
