import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyspace } from '../../keyspace/keyspace.js';
import { accessClockFromHints, saveHintsFor } from './access-hints.js';

test('an LRU idle time gives a clock that many seconds back, wrapping like Redis', () => {
  const nowMs = 1_700_000_000_000;
  const keyspace = new Keyspace({ databaseCount: 1 });
  keyspace.nowMs = nowMs;
  const clock = accessClockFromHints('lru', nowMs, { idleSeconds: 100 });
  assert.ok(clock !== undefined);
  assert.equal(keyspace.idleSeconds(clock), 100);
  assert.equal(accessClockFromHints('lru', nowMs, { lfuFreq: 3 }), undefined);
  const wrapped = accessClockFromHints('lru', 5000, { idleSeconds: 10 });
  assert.ok(wrapped !== undefined && wrapped > 0);
});

test('an LFU frequency gives a stamp whose counter is that frequency', () => {
  const keyspace = new Keyspace({ databaseCount: 1 });
  keyspace.nowMs = 1_700_000_000_000;
  keyspace.accessMode = 'lfu';
  const clock = accessClockFromHints('lfu', keyspace.nowMs, { lfuFreq: 42 });
  assert.ok(clock !== undefined);
  assert.equal(keyspace.lfuCounter(clock), 42);
  assert.equal(accessClockFromHints('lfu', keyspace.nowMs, { idleSeconds: 3 }), undefined);
});

test('saved hints follow the maxmemory-policy', () => {
  const keyspace = new Keyspace({ databaseCount: 1 });
  keyspace.nowMs = 1_700_000_000_000;
  const clock = accessClockFromHints('lru', keyspace.nowMs, { idleSeconds: 7 }) as number;
  assert.deepEqual(saveHintsFor('allkeys-lru', clock, keyspace), { idleSeconds: 7 });
  assert.deepEqual(saveHintsFor('noeviction', clock, keyspace), undefined);
  assert.ok(saveHintsFor('volatile-lfu', clock, keyspace)?.lfuFreq !== undefined);
});
