import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyspace } from '../../keyspace/keyspace.js';
import { SeededRandom } from '../../lib/random.js';
import { Evictor, keyspaceGaugeSources } from './evictor.js';
import { UsedMemoryGauge } from './used-memory.js';

/**
 * A node whose "heap" reads a fixed figure: between major GCs (majorGcHappened) only the key
 * count moves the estimate, by the sampled per-key estimate.
 */
function setup(policy: string, usedBytes = 1_000_000) {
  const keyspace = new Keyspace({ databaseCount: 2, random: new SeededRandom(7) });
  keyspace.nowMs = 10_000_000;
  keyspace.accessMode = policy.endsWith('-lfu') ? 'lfu' : 'lru';
  let used = usedBytes;
  const sources = keyspaceGaugeSources(keyspace, new SeededRandom(5));
  const gauge = new UsedMemoryGauge({ ...sources, readTotal: () => used, readRetained: () => used });
  const evicted: string[] = [];
  let clockMs = 0;
  let clockStepMs = 0;
  const clock = () => (clockMs += clockStepMs);
  const evictor = new Evictor({ keyspace, random: new SeededRandom(3), gauge, onEvicted: (_db, key) => evicted.push(key), clockMs: clock });
  evictor.setPolicy(policy);
  return {
    keyspace,
    db: keyspace.db(0),
    evictor,
    gauge,
    evicted,
    setUsed: (bytes: number) => (used = bytes),
    /** Every clock read from now on advances it by `ms`. */
    stepClock: (ms: number) => (clockStepMs = ms),
  };
}

test('under maxmemory, or with no limit, nothing is evicted', () => {
  const { db, evictor, evicted } = setup('allkeys-lru');
  db.set('a', 'x');
  assert.equal(evictor.performEvictions(0), 'ok');
  evictor.maxmemoryBytes = 2_000_000;
  assert.equal(evictor.performEvictions(0), 'ok');
  assert.deepEqual(evicted, []);
});

test('noeviction fails when over the limit and evicts nothing', () => {
  const { db, evictor, evicted } = setup('noeviction');
  db.set('a', 'x');
  evictor.maxmemoryBytes = 1000;
  assert.equal(evictor.performEvictions(0), 'fail');
  assert.deepEqual(evicted, []);
});

test('eviction stops once the freed-bytes estimate brings used memory under the limit', () => {
  const { db, evictor, evicted, gauge } = setup('allkeys-random');
  for (let i = 0; i < 1000; i++) db.set(`key:${i}`, 'v'.repeat(100));
  // A major GC measures 1,000,000 bytes with 1,000 keys; each key is estimated at
  // 78 + 24 + 120 = 222 bytes: 10 keys free 2,220 bytes.
  gauge.majorGcHappened();
  evictor.maxmemoryBytes = 1_000_000 - 2000;
  assert.equal(evictor.performEvictions(0), 'ok');
  assert.equal(evicted.length, 10);
  assert.equal(db.size, 990);
  assert.equal(evictor.evictedKeys, 10);
  // Until a major GC the heap is not read again, so the next command does not evict again.
  assert.equal(evictor.performEvictions(5), 'ok');
  assert.equal(evicted.length, 10);
  // After a major GC the heap is read afresh (here: it did not drop): eviction resumes.
  gauge.majorGcHappened();
  assert.equal(evictor.performEvictions(6), 'ok');
  assert.equal(evicted.length, 20);
});

test('allkeys-lru evicts the idlest keys first', () => {
  const { keyspace, db, evictor, evicted } = setup('allkeys-lru');
  evictor.samples = 10;
  // Keys 0..9 were used long ago, the other 90 just now.
  keyspace.nowMs = 1_000_000;
  for (let i = 0; i < 10; i++) db.set(`old:${i}`, 'x');
  keyspace.nowMs = 10_000_000;
  for (let i = 0; i < 90; i++) db.set(`new:${i}`, 'x');
  evictor.maxmemoryBytes = 1_000_000 - 1;
  for (let i = 0; i < 5; i++) {
    evictor.gauge.majorGcHappened();
    evictor.performEvictions(i * 10);
  }
  assert.equal(evicted.length, 5);
  assert.ok(evicted.every((key) => key.startsWith('old:')), evicted.join(' '));
});

test('allkeys-lfu evicts the least frequently used keys first', () => {
  const { db, evictor, evicted } = setup('allkeys-lfu');
  evictor.samples = 10;
  for (let i = 0; i < 50; i++) db.set(`hot:${i}`, 'x');
  for (let i = 0; i < 50; i++) db.set(`cold:${i}`, 'x');
  for (let i = 0; i < 50; i++) db.setAccessClock(`hot:${i}`, (db.accessClockOf(`hot:${i}`) as number) - 5 + 200);
  evictor.maxmemoryBytes = 1_000_000 - 1;
  for (let i = 0; i < 5; i++) {
    evictor.gauge.majorGcHappened();
    evictor.performEvictions(i * 10);
  }
  assert.equal(evicted.length, 5);
  assert.ok(evicted.every((key) => key.startsWith('cold:')), evicted.join(' '));
});

test('volatile-ttl evicts the soonest-expiring key; volatile-* never touch keys without a TTL', () => {
  const { keyspace, db, evictor, evicted } = setup('volatile-ttl');
  for (let i = 0; i < 20; i++) db.set(`persistent:${i}`, 'x');
  db.set('late', 'x');
  db.setExpireAtMs('late', keyspace.nowMs + 100_000);
  db.set('soon', 'x');
  db.setExpireAtMs('soon', keyspace.nowMs + 1000);
  evictor.gauge.majorGcHappened();
  evictor.maxmemoryBytes = 1_000_000 - 1;
  evictor.performEvictions(0);
  assert.deepEqual(evicted, ['soon']);
  evictor.gauge.majorGcHappened();
  evictor.performEvictions(10);
  assert.deepEqual(evicted, ['soon', 'late']);
  evictor.gauge.majorGcHappened();
  // Only keys without a TTL remain: nothing evictable, the command must fail.
  assert.equal(evictor.performEvictions(20), 'fail');
  assert.equal(db.size, 20);
});

test('volatile-lru and volatile-random evict only keys with a TTL, from every database', () => {
  for (const policy of ['volatile-lru', 'volatile-random', 'volatile-lfu']) {
    const { keyspace, evictor, evicted } = setup(policy);
    const db1 = keyspace.db(1);
    for (let i = 0; i < 100; i++) keyspace.db(0).set(`p:${i}`, 'x');
    for (let i = 0; i < 3; i++) {
      db1.set(`t:${i}`, 'x');
      db1.setExpireAtMs(`t:${i}`, keyspace.nowMs + 60_000);
    }
    evictor.maxmemoryBytes = 1;
    assert.equal(evictor.performEvictions(0), 'fail', policy);
    assert.deepEqual([...evicted].sort(), ['t:0', 't:1', 't:2'], policy);
    assert.equal(keyspace.db(0).size, 100, policy);
  }
});

test('allkeys-* with everything evicted fails; the time limit hands the rest to the tick', () => {
  const { db, evictor, stepClock } = setup('allkeys-random');
  for (let i = 0; i < 100; i++) db.set(`k:${i}`, 'x');
  evictor.maxmemoryBytes = 1;
  evictor.setTenacity(0); // a 0 µs budget: stops at the first time check (16 keys)
  stepClock(1);
  assert.equal(evictor.performEvictions(0), 'running');
  assert.equal(evictor.pending, true);
  assert.equal(db.size, 84);
  evictor.setTenacity(100);
  assert.equal(evictor.performEvictions(1), 'fail');
  assert.equal(db.size, 0);
});
