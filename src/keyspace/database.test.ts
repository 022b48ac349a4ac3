import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SLOT_COUNT, keyHashSlot } from '../lib/hash-slot.js';
import { SeededRandom } from '../lib/random.js';
import { Keyspace } from './keyspace.js';

function makeKeyspace() {
  const expired: string[] = [];
  const keyspace = new Keyspace({ databaseCount: 4, onExpired: (_db, key) => expired.push(key) });
  keyspace.nowMs = 1_000_000;
  return { keyspace, db: keyspace.db(0), expired };
}

test('set, lookup, delete keep the size; overwrite clears the TTL unless kept', () => {
  const { db } = makeKeyspace();
  db.set('a', '1');
  db.set('b', '2');
  assert.equal(db.size, 2);
  db.setExpireAtMs('a', 2_000_000);
  db.set('a', 'x', true);
  assert.equal(db.expireAtMs('a'), 2_000_000);
  db.set('a', 'y');
  assert.equal(db.expireAtMs('a'), undefined);
  assert.equal(db.delete('a'), 'y');
  assert.equal(db.delete('a'), undefined);
  assert.equal(db.size, 1);
  assert.equal(db.countKeysInSlot(keyHashSlot('b')), 1);
});

test('a key expires lazily only when now is past its time (Redis: now > when)', () => {
  const { keyspace, db, expired } = makeKeyspace();
  db.set('k', 'v');
  db.setExpireAtMs('k', keyspace.nowMs);
  assert.equal(db.isLogicallyExpired('k'), false);
  assert.equal(db.peek('k'), 'v');
  keyspace.nowMs++;
  assert.equal(db.isLogicallyExpired('k'), true);
  assert.equal(db.size, 1); // not removed by the check
  assert.equal(db.lookup('k'), undefined);
  assert.equal(db.size, 0);
  assert.deepEqual(expired, ['k']);
  assert.equal(keyspace.expiredKeys, 1);
  assert.equal(db.expiresCount, 0);
});

test('expiry past 2^53 ms keeps its exact int64 value', () => {
  const { db } = makeKeyspace();
  db.set('k', 'v');
  db.setExpireAtMs('k', 9223372036854775807n);
  assert.equal(db.exactExpireAtMs('k'), 9223372036854775807n);
  db.setExpireAtMs('k', 5_000_000n);
  assert.equal(db.exactExpireAtMs('k'), 5_000_000);
  db.setExpireAtMs('k', 9223372036854775807n);
  assert.equal(db.persist('k'), true);
  assert.equal(db.exactExpireAtMs('k'), undefined);
});

test('activeExpire removes expired keys without lookups and stops on the budget', () => {
  const { keyspace, db, expired } = makeKeyspace();
  for (let i = 0; i < 500; i++) {
    db.set(`k${i}`, 'v');
    db.setExpireAtMs(`k${i}`, keyspace.nowMs + (i < 400 ? 10 : 1_000_000));
  }
  keyspace.nowMs += 100;
  let calls = 0;
  const removedFirst = db.activeExpire(() => ++calls >= 2);
  assert.ok(removedFirst > 0 && removedFirst < 400, `one bounded round removed ${removedFirst}`);
  let removed = removedFirst;
  for (let round = 0; round < 100 && removed < 400; round++) removed += db.activeExpire(() => false);
  assert.equal(removed, 400);
  assert.equal(db.size, 100);
  assert.equal(expired.length, 400);
  assert.equal(db.activeExpire(() => false), 0);
});

test('scan returns every key present throughout, and ends, despite churn faster than it reads', () => {
  const { db } = makeKeyspace();
  const stable = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    db.set(`stable:${i}`, 'v');
    stable.add(`stable:${i}`);
  }
  const seen = new Set<string>();
  let cursor = 0;
  let steps = 0;
  do {
    cursor = db.scan(cursor, 10, (key) => seen.add(key));
    for (let j = 0; j < 20; j++) db.set(`churn:${steps}:${j}`, 'v');
    for (let j = 0; j < 10; j++) db.delete(`churn:${Math.max(0, steps - 1)}:${j}`);
    steps++;
  } while (cursor !== 0 && steps < SLOT_COUNT + 1);
  assert.equal(cursor, 0);
  for (const key of stable) assert.ok(seen.has(key), key);
});

test('randomKey skips and removes expired keys, even many of them', () => {
  const { keyspace, db } = makeKeyspace();
  const random = new SeededRandom(3);
  assert.equal(db.randomKey(random), undefined);
  for (let i = 0; i < 300; i++) {
    db.set(`gone${i}`, 'v');
    db.setExpireAtMs(`gone${i}`, keyspace.nowMs - 1);
  }
  db.set('live', 'v');
  assert.equal(db.randomKey(random), 'live');
  for (let i = 0; i < 300; i++) db.set(`gone${i}`, 'v');
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(db.randomKey(random) as string);
  assert.ok(seen.size > 250, `random keys spread over the keyspace (${seen.size})`);
});

test('flush and swap move whole contents, TTLs included', () => {
  const { keyspace } = makeKeyspace();
  const a = keyspace.db(0);
  const b = keyspace.db(1);
  a.set('x', '1');
  a.setExpireAtMs('x', 9_000_000);
  b.set('y', '2');
  keyspace.swap(0, 1);
  assert.equal(a.peek('y'), '2');
  assert.equal(b.peek('x'), '1');
  assert.equal(b.expireAtMs('x'), 9_000_000);
  assert.equal(a.expiresCount, 0);
  assert.equal(keyspace.totalKeys(), 2);
  assert.equal(b.flush(), 1);
  assert.equal(b.expiresCount, 0);
  assert.equal(keyspace.flushAll(), 1);
  assert.equal(keyspace.totalKeys(), 0);
});

test('rename-style insert keeps the given access clock', () => {
  const { db } = makeKeyspace();
  db.setWithAccessClock('k', 'v', 1234);
  assert.equal(db.accessClockOf('k'), 1234);
  assert.equal(db.peek('k'), 'v');
  assert.equal(db.accessClockOf('k'), 1234, 'peek does not touch');
  db.lookup('k');
  assert.notEqual(db.accessClockOf('k'), 1234, 'lookup touches');
});

test('LFU stamps: new keys start at 5, counters grow with use and decay with time', () => {
  const { keyspace, db } = makeKeyspace();
  keyspace.accessMode = 'lfu';
  keyspace.lfuLogFactor = 0; // every access increments
  db.set('k', 'v');
  assert.equal(keyspace.lfuCounter(db.accessClockOf('k') as number), 5);
  for (let i = 0; i < 10; i++) db.lookup('k');
  assert.equal(keyspace.lfuCounter(db.accessClockOf('k') as number), 15);
  keyspace.nowMs += 3 * 60_000;
  assert.equal(keyspace.lfuCounter(db.accessClockOf('k') as number), 12);
  keyspace.lfuDecayTimeMinutes = 0;
  assert.equal(keyspace.lfuCounter(db.accessClockOf('k') as number), 15);
});

test('idleSeconds counts from the LRU stamp, across the 24-bit wrap', () => {
  const { keyspace, db } = makeKeyspace();
  db.set('k', 'v');
  keyspace.nowMs += 42_000;
  assert.equal(keyspace.idleSeconds(db.accessClockOf('k') as number), 42);
  assert.equal(keyspace.idleSeconds((1 << 24) - 1 - 5) >= 0, true);
});
