import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** How old the heap sample may get before the next command re-reads it (docs/eviction.md). */
export const SAMPLE_PERIOD_MS = 1;
/** Bytes per key assumed before any key could be sampled (a small string key, ~MEMORY USAGE). */
export const DEFAULT_KEY_BYTES = 200;
/** A measured heap-per-key figure is trusted only over this many keys (else client buffers etc. dominate). */
export const MIN_CALIBRATION_KEYS = 1000;
/** The measured per-key figure may exceed the sampled estimate by at most this factor. */
const MAX_MEASURED_OVER_ESTIMATE = 3;

/** Young-generation spaces: short-lived objects (mostly garbage) live there until a scavenge. */
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/**
 * V8 heap in use (all spaces, garbage included) plus external memory: ~0.4 µs. An upper bound
 * of live bytes. V8's external_memory counts ArrayBuffers and external strings' bytes
 * (docs/external-strings.md), garbage included.
 */
export function readTotalBytes(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/**
 * Heap in use without the young generation, plus external memory (~1.2 µs). Read right after
 * a major (mark-compact) GC this is the live data: the old generation then holds no garbage,
 * and the young generation is scratch (request buffers, argv strings, replies).
 */
export function readRetainedBytes(): number {
  const heap = getHeapStatistics();
  let young = 0;
  for (const space of getHeapSpaceStatistics()) if (YOUNG_SPACES.has(space.space_name)) young += space.space_used_size;
  return heap.used_heap_size - young + heap.external_memory;
}

/** What the gauge reads: the heap, and the keyspace's key count and per-key size estimate. */
export interface GaugeSources {
  readTotal(): number;
  readRetained(): number;
  /** Keys in all databases (O(databases)). */
  keyCount(): number;
  /** Mean MEMORY USAGE estimate of a few random keys; undefined when there are none. */
  sampleKeyBytes(): number | undefined;
}

/**
 * The used-memory figure: INFO's used_memory and what eviction compares with maxmemory
 * (docs/memory-accounting.md, docs/eviction.md). Redis's used_memory is the allocator's live
 * bytes; V8's heap in use also holds garbage until V8 collects it, so it neither drops when a
 * key is evicted nor tells how much is live. The gauge therefore keeps a model:
 *
 *   live ≈ retained bytes measured at the last major GC
 *          + (keys now − keys then) × bytes per key
 *
 * - After each major GC (observed with a PerformanceObserver) the retained heap is measured:
 *   that is the truth at that moment (data, clients, scripts, everything).
 * - Between GCs only the key count moves the figure (O(1) per command: no per-key hooks, no
 *   heap statistics call): an evicted or deleted key lowers it at once, a new key raises it.
 * - Bytes per key: the larger of the sampled MEMORY USAGE estimate of random keys (refreshed
 *   by the tick) and the heap measured per key at the last major GC (retained − the empty
 *   node's bytes) / keys, the latter capped at 3× the estimate.
 * - The figure never exceeds the whole heap in use (garbage included, read at most once per
 *   SAMPLE_PERIOD_MS), which is always an upper bound of live bytes.
 *
 * What it misses between GCs: containers growing in place (same key count) and non-key memory
 * (client buffers); both are counted at the next major GC, and the sampled estimate catches
 * growing containers when it samples them.
 */
export class UsedMemoryGauge {
  readonly #sources: GaugeSources;
  /** Retained bytes of the node before any key (the part not proportional to keys). */
  readonly #emptyBytes: number;
  #baseBytes: number;
  #baseKeys: number;
  #measuredKeyBytes = 0;
  #sampledKeyBytes = DEFAULT_KEY_BYTES;
  #totalBytes = 0;
  #sampledAtMs = Number.NEGATIVE_INFINITY;
  #observer: PerformanceObserver | undefined;
  /** Major GCs seen (tests and docs: the calibration count). */
  calibrations = 0;

  constructor(sources: GaugeSources) {
    this.#sources = sources;
    this.#emptyBytes = sources.readRetained();
    this.#baseBytes = this.#emptyBytes;
    this.#baseKeys = sources.keyCount();
  }

  /** Starts (or stops) watching GCs; a node watches for its whole life (INFO uses the figure). */
  watchGc(enabled: boolean): void {
    if (enabled && this.#observer === undefined) {
      this.#observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          // Node 20 puts the GC kind in `detail` (its typings lag behind).
          const kind = ((entry as { detail?: { kind?: number } | null }).detail)?.kind ?? 0;
          if ((kind & constants.NODE_PERFORMANCE_GC_MAJOR) !== 0) {
            this.majorGcHappened();
            break;
          }
        }
      });
      this.#observer.observe({ entryTypes: ['gc'] });
    } else if (!enabled && this.#observer !== undefined) {
      this.#observer.disconnect();
      this.#observer = undefined;
    }
  }

  get bytesPerKey(): number {
    return Math.max(this.#sampledKeyBytes, this.#measuredKeyBytes);
  }

  /** The live-bytes model (above), at most the whole heap in use. O(databases). */
  estimate(nowMs: number): number {
    if (nowMs - this.#sampledAtMs >= SAMPLE_PERIOD_MS || nowMs < this.#sampledAtMs) {
      this.#totalBytes = this.#sources.readTotal();
      this.#sampledAtMs = nowMs;
    }
    const model = this.#baseBytes + (this.#sources.keyCount() - this.#baseKeys) * this.bytesPerKey;
    return Math.max(0, Math.min(this.#totalBytes, model));
  }

  /** Re-samples the per-key estimate (the tick calls this every 100 ms: a few keys' MEMORY USAGE). */
  refreshKeyEstimate(): void {
    const sampled = this.#sources.sampleKeyBytes();
    if (sampled !== undefined) this.#sampledKeyBytes = sampled;
  }

  /** A major GC just ran: the retained heap is live data again; measure it. */
  majorGcHappened(): void {
    this.calibrations++;
    this.refreshKeyEstimate();
    const retained = this.#sources.readRetained();
    const keys = this.#sources.keyCount();
    this.#baseBytes = retained;
    this.#baseKeys = keys;
    this.#measuredKeyBytes =
      keys >= MIN_CALIBRATION_KEYS ? Math.min(Math.max(0, retained - this.#emptyBytes) / keys, this.#sampledKeyBytes * MAX_MEASURED_OVER_ESTIMATE) : 0;
    this.#sampledAtMs = Number.NEGATIVE_INFINITY;
  }
}
