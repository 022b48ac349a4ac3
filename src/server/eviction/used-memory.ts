import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** How old a sample may get before the next command re-reads the heap (docs/eviction.md). */
export const SAMPLE_PERIOD_MS = 1;

/** Young-generation spaces: short-lived objects (mostly garbage) live there until a scavenge. */
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/**
 * INFO's used_memory (heapUsed + external) without the young generation (~1.2 µs: both V8
 * calls). The young generation holds up to tens of MB of short-lived garbage (request
 * buffers, argv strings, replies) that a scavenge frees within milliseconds; counting it made
 * the figure swing by more than a small dataset (docs/eviction.md). New keys count once
 * promoted to the old generation (after surviving two scavenges).
 */
export function readRetainedBytes(): number {
  const heap = getHeapStatistics();
  let young = 0;
  for (const space of getHeapSpaceStatistics()) if (YOUNG_SPACES.has(space.space_name)) young += space.space_used_size;
  return heap.used_heap_size - young + heap.external_memory;
}

/**
 * The used-memory figure eviction compares with maxmemory (docs/eviction.md).
 *
 * - It is INFO's used_memory (heapUsed + external), read with v8.getHeapStatistics() (about
 *   0.4 µs, against about 16 µs for process.memoryUsage(), which also reads the RSS) at most
 *   once per SAMPLE_PERIOD_MS of command time.
 * - Evicting a key does not lower heapUsed: its memory becomes garbage until a major GC. So
 *   each evicted key's estimated size (MEMORY USAGE's estimate) is kept as a credit and
 *   subtracted from the sample; the credit is dropped when a major (mark-sweep) GC is observed,
 *   since heapUsed is then honest again. Without it the node would go on evicting every key
 *   while waiting for a GC. Scavenges do not clear the credit: evicted keys are mostly in the
 *   old generation, which only a major GC reclaims.
 */
export class UsedMemoryGauge {
  readonly #read: () => number;
  #sampleBytes = 0;
  #sampledAtMs = Number.NEGATIVE_INFINITY;
  #creditBytes = 0;
  #observer: PerformanceObserver | undefined;

  constructor(read: () => number = readRetainedBytes) {
    this.#read = read;
  }

  /** Starts watching GCs (only while maxmemory is set: observing has a small cost per GC). */
  watchGc(enabled: boolean): void {
    if (enabled && this.#observer === undefined) {
      this.#observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          // Node 20 puts the GC kind in `detail` (its typings lag behind).
          const kind = ((entry as { detail?: { kind?: number } | null }).detail)?.kind ?? 0;
          if ((kind & constants.NODE_PERFORMANCE_GC_MAJOR) !== 0) this.majorGcHappened();
        }
      });
      this.#observer.observe({ entryTypes: ['gc'] });
    } else if (!enabled && this.#observer !== undefined) {
      this.#observer.disconnect();
      this.#observer = undefined;
      this.#creditBytes = 0;
    }
  }

  /** Used bytes now, estimated: the latest sample (re-read when stale) minus the credit. */
  estimate(nowMs: number): number {
    if (nowMs - this.#sampledAtMs >= SAMPLE_PERIOD_MS || nowMs < this.#sampledAtMs) this.resample(nowMs);
    return Math.max(0, this.#sampleBytes - this.#creditBytes);
  }

  resample(nowMs: number): void {
    this.#sampleBytes = this.#read();
    this.#sampledAtMs = nowMs;
  }

  /** A key of about `bytes` was evicted: it stays in the heap as garbage until a major GC. */
  freed(bytes: number): void {
    this.#creditBytes += bytes;
  }

  majorGcHappened(): void {
    this.#creditBytes = 0;
    this.#sampledAtMs = Number.NEGATIVE_INFINITY;
  }

  get creditBytes(): number {
    return this.#creditBytes;
  }
}
