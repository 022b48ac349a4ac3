import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { IdleCollector } from './idle-gc.js';

test('collects once the node is idle after its heap grew, and not while commands run', () => {
  const collector = new IdleCollector({ idleMs: 1000, minGrowthBytes: 0 });
  collector.tick(0, 1);
  collector.tick(500, 2);
  collector.tick(1400, 2);
  assert.equal(collector.collections, 0, 'commands ran 900 ms ago: not idle yet');
  collector.tick(1500, 2);
  assert.equal(collector.collections, 1, 'idle for 1000 ms');
});

test('a collection frees garbage and needs new growth before the next one', () => {
  const collector = new IdleCollector({ idleMs: 10, minGrowthBytes: 4 * 1024 * 1024 });
  let garbage: object[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i }));
  collector.tick(0, 0);
  garbage = undefined;
  const before = getHeapStatistics().used_heap_size;
  collector.tick(100, 0);
  assert.equal(collector.collections, 1);
  assert.ok(getHeapStatistics().used_heap_size < before, 'heap shrank');
  assert.equal(garbage, undefined);
  collector.tick(200, 0);
  assert.equal(collector.collections, 1, 'no growth since: no second collection');
});

test('loading or a snapshot counts as activity', () => {
  const collector = new IdleCollector({ idleMs: 1000, minGrowthBytes: 0 });
  collector.tick(0, 5);
  collector.tick(1500, 5, true);
  collector.tick(2000, 5, true);
  assert.equal(collector.collections, 0, 'busy loading');
  collector.tick(2900, 5);
  assert.equal(collector.collections, 0, 'idle for only 900 ms since the work ended');
  collector.tick(3000, 5);
  assert.equal(collector.collections, 1);
});
