import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdleCollector, youngGenerationBytes } from './idle-gc.js';
import { externalStringsEnabled, largeLatin1 } from '../lib/external-strings.js';

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

test('external memory that grew (large values are external strings) makes an idle collection worth it, and it frees it', { skip: !externalStringsEnabled }, () => {
  const collector = new IdleCollector({ idleMs: 10, minGrowthBytes: 16 * 1024 * 1024 });
  collector.tick(0, 0);
  collector.tick(100, 0);
  const buffer = Buffer.alloc(1024 * 1024, 0x61);
  let garbage: string[] | undefined = Array.from({ length: 32 }, () => largeLatin1(buffer, 0, buffer.length));
  const collectionsBefore = collector.collections;
  collector.tick(200, 1);
  garbage = undefined;
  const externalBefore = getHeapStatistics().external_memory;
  collector.tick(300, 1);
  assert.equal(collector.collections, collectionsBefore + 1, '32 MB of external strings grew: collected');
  assert.ok(externalBefore - getHeapStatistics().external_memory >= 30 * 1024 * 1024, 'the external strings were freed');
  assert.equal(garbage, undefined);
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

/** Keeps many new objects alive across scavenges, as a write load does: V8 grows its young generation. */
function growYoungGeneration(): void {
  let kept: object[] | undefined = [];
  for (let i = 0; i < 2_000_000; i++) kept.push({ i });
  assert.equal(kept.length, 2_000_000);
  kept = undefined;
}

test('once idle, scavenges one per tick until V8 has shrunk the grown young generation, then stops', async () => {
  growYoungGeneration();
  assert.ok(youngGenerationBytes() > 8 * 1024 * 1024, `young generation grown: ${youngGenerationBytes()} bytes`);
  // No full collection (growth threshold never reached): only the young generation's path runs.
  const collector = new IdleCollector({ idleMs: 1000, shrinkIdleMs: 100, minGrowthBytes: Number.MAX_SAFE_INTEGER });
  collector.tick(0, 7);
  for (let now = 10; now < 100; now += 10) collector.tick(now, 7);
  assert.equal(collector.shrinkScavenges, 0, 'not idle for shrinkIdleMs yet');
  let now = 100;
  for (let ticks = 0; ticks < 40 && youngGenerationBytes() > 4 * 1024 * 1024; ticks++) {
    // Real time between ticks: V8 shrinks once the allocation rate it measured over its last GCs is low.
    await sleep(20);
    collector.tick((now += 100), 7);
  }
  assert.ok(youngGenerationBytes() <= 4 * 1024 * 1024, `young generation shrunk: ${youngGenerationBytes()} bytes`);
  assert.ok(collector.shrinkScavenges >= 1 && collector.shrinkScavenges <= 40, `${collector.shrinkScavenges} scavenges`);
  assert.equal(collector.collections, 0);
  const scavenges = collector.shrinkScavenges;
  for (let i = 0; i < 5; i++) collector.tick((now += 100), 7);
  assert.equal(collector.shrinkScavenges, scavenges, 'small already: no more scavenges');
});

test('no young-generation scavenges while commands run', () => {
  growYoungGeneration();
  const collector = new IdleCollector({ idleMs: 1000, shrinkIdleMs: 100, minGrowthBytes: Number.MAX_SAFE_INTEGER });
  for (let now = 0; now < 2000; now += 50) collector.tick(now, now);
  assert.equal(collector.shrinkScavenges, 0);
});
