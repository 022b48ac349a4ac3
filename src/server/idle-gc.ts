import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** No command for this long: the node counts as idle. */
const IDLE_MS = 1000;
/**
 * The heap plus external memory must have grown this much since the last idle collection to be
 * worth another. External memory counts: large values are external strings
 * (docs/external-strings.md), whose garbage only a major GC frees, and it grows without the
 * heap growing.
 */
const MIN_GROWTH_BYTES = 8 * 1024 * 1024;
/** Above this heap size a full collection could pause a returning client too long: skip it. */
const MAX_HEAP_BYTES = 1024 * 1024 * 1024;
/**
 * A young generation (V8's new space: two semi-spaces) bigger than this is shrunk once the node
 * is idle. V8 starts it at 1 MB and grows it (to 32 MB) while a load keeps its new objects
 * alive, and does not shrink it by itself while the node stays idle.
 */
const YOUNG_SHRINK_ABOVE_BYTES = 4 * 1024 * 1024;
/**
 * No command for this long: the young generation's shrinking starts (see
 * #shrinkYoungGeneration). Earlier than the full collection: a scavenge of an idle node's empty
 * young generation is cheap, and V8 needs about ten of them before it shrinks.
 */
const SHRINK_IDLE_MS = 200;
/** Scavenges tried per idle period to get V8 to shrink the young generation (see below). */
const MAX_SHRINK_SCAVENGES = 40;

type GcOptions = { type?: 'major' | 'minor' };

/** What a full collection can free from: the heap in use and external memory (garbage included). */
function heldBytes(heap: { used_heap_size: number; external_memory: number }): number {
  return heap.used_heap_size + heap.external_memory;
}

/** The young generation's committed bytes (both semi-spaces). */
export function youngGenerationBytes(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_size;
  return 0;
}

/**
 * A full garbage collection once the node goes idle after its heap grew (docs/memory-accounting.md
 * "Young generation and idle collection"): V8 collects the old generation only under allocation
 * pressure, so after a load stops the garbage it left (commands' arguments promoted mid-batch,
 * replaced values) stays in RSS indefinitely. Chrome runs V8's memory reducer on idle
 * notifications; Node sends none, so the node does it itself, from its timer tick, when no
 * command has run for IDLE_MS. Then, on the following idle ticks, it gets V8 to shrink the young
 * generation back to its initial size (see #shrinkYoungGeneration). Like Redis's background
 * purge of freed jemalloc pages, it only returns memory to the system.
 *
 * A client arriving during the collection waits for it: about 1 ms per 1-2 MB of live heap on
 * this project's VM, so heaps over MAX_HEAP_BYTES are left alone.
 */
export class IdleCollector {
  readonly #collect: (options?: GcOptions) => void;
  #lastCommandCount = -1;
  #shrinkScavengesLeft = MAX_SHRINK_SCAVENGES;
  #idleSinceMs = 0;
  #heapAfterLastCollectionBytes = 0;
  /** Idle collections run (tests, INFO). */
  collections = 0;
  /** Scavenges run to shrink the young generation (tests). */
  shrinkScavenges = 0;

  readonly #idleMs: number;
  readonly #shrinkIdleMs: number;
  readonly #minGrowthBytes: number;

  constructor(options: { idleMs?: number; shrinkIdleMs?: number; minGrowthBytes?: number } = {}) {
    this.#idleMs = options.idleMs ?? IDLE_MS;
    this.#shrinkIdleMs = options.shrinkIdleMs ?? SHRINK_IDLE_MS;
    this.#minGrowthBytes = options.minGrowthBytes ?? MIN_GROWTH_BYTES;
    // The gc function exists only in contexts created after --expose-gc is set.
    setFlagsFromString('--expose-gc');
    this.#collect = runInNewContext('gc') as (options?: GcOptions) => void;
  }

  /**
   * Called from the node's tick with its command counter (a change is activity) and whether
   * background work (loading, a snapshot) runs, which counts as activity too.
   */
  tick(nowMs: number, commandCount: number, backgroundWork = false): void {
    if (backgroundWork || commandCount !== this.#lastCommandCount) {
      this.#lastCommandCount = commandCount;
      this.#idleSinceMs = nowMs;
      this.#shrinkScavengesLeft = MAX_SHRINK_SCAVENGES;
      return;
    }
    const idleMs = nowMs - this.#idleSinceMs;
    if (idleMs >= this.#idleMs) {
      const heap = getHeapStatistics();
      if (heap.used_heap_size <= MAX_HEAP_BYTES && heldBytes(heap) - this.#heapAfterLastCollectionBytes >= this.#minGrowthBytes) {
        this.#collect();
        this.collections++;
        this.#heapAfterLastCollectionBytes = heldBytes(getHeapStatistics());
        return;
      }
    }
    if (idleMs >= this.#shrinkIdleMs) this.#shrinkYoungGeneration();
  }

  /**
   * From SHRINK_IDLE_MS of idleness on, one scavenge per tick while the young generation is
   * bigger than YOUNG_SHRINK_ABOVE_BYTES. No call from JS shrinks it directly (neither gc() nor its
   * 'last-resort' flavor); V8 shrinks it at a GC that sees a low allocation rate, and it rates
   * allocation over its last ten or so GCs, which after a load are the load's. A scavenge of an
   * idle node's empty young generation costs 0.3-2 ms (--trace-gc, 100k keys); after ten to
   * twelve of them, one per tick, the rate is low and V8 shrinks it to its initial 1 MB (32 MB
   * less RSS). Under the next load it grows again.
   */
  #shrinkYoungGeneration(): void {
    if (this.#shrinkScavengesLeft === 0) return;
    if (youngGenerationBytes() <= YOUNG_SHRINK_ABOVE_BYTES) {
      this.#shrinkScavengesLeft = 0;
      return;
    }
    this.#shrinkScavengesLeft--;
    this.#collect({ type: 'minor' });
    this.shrinkScavenges++;
  }
}
