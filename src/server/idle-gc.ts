import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** No command for this long: the node counts as idle. */
const IDLE_MS = 1000;
/** The heap must have grown this much since the last idle collection to be worth another. */
const MIN_GROWTH_BYTES = 8 * 1024 * 1024;
/** Above this heap size a full collection could pause a returning client too long: skip it. */
const MAX_HEAP_BYTES = 1024 * 1024 * 1024;

/**
 * A full garbage collection once the node goes idle after its heap grew (docs/memory-accounting.md
 * "Idle collection"): V8 collects the old generation only under allocation pressure, so after a
 * load stops the garbage it left (commands' arguments promoted mid-batch, replaced values) stays
 * in RSS indefinitely. Chrome runs V8's memory reducer on idle notifications; Node sends none,
 * so the node does it itself, from its timer tick, when no command has run for IDLE_MS. Like
 * Redis's background purge of freed jemalloc pages, it only returns memory to the system.
 *
 * A client arriving during the collection waits for it: about 1 ms per 1-2 MB of live heap on
 * this project's VM, so heaps over MAX_HEAP_BYTES are left alone.
 */
export class IdleCollector {
  readonly #collect: () => void;
  #lastCommandCount = -1;
  #idleSinceMs = 0;
  #heapAfterLastCollectionBytes = 0;
  /** Idle collections run (tests, INFO). */
  collections = 0;

  readonly #idleMs: number;
  readonly #minGrowthBytes: number;

  constructor(options: { idleMs?: number; minGrowthBytes?: number } = {}) {
    this.#idleMs = options.idleMs ?? IDLE_MS;
    this.#minGrowthBytes = options.minGrowthBytes ?? MIN_GROWTH_BYTES;
    // The gc function exists only in contexts created after --expose-gc is set.
    setFlagsFromString('--expose-gc');
    this.#collect = runInNewContext('gc') as () => void;
  }

  /**
   * Called from the node's tick with its command counter (a change is activity) and whether
   * background work (loading, a snapshot) runs, which counts as activity too.
   */
  tick(nowMs: number, commandCount: number, backgroundWork = false): void {
    if (backgroundWork || commandCount !== this.#lastCommandCount) {
      this.#lastCommandCount = commandCount;
      this.#idleSinceMs = nowMs;
      return;
    }
    if (nowMs - this.#idleSinceMs < this.#idleMs) return;
    const heap = getHeapStatistics();
    if (heap.used_heap_size > MAX_HEAP_BYTES) return;
    if (heap.used_heap_size - this.#heapAfterLastCollectionBytes < this.#minGrowthBytes) return;
    this.#collect();
    this.collections++;
    this.#heapAfterLastCollectionBytes = getHeapStatistics().used_heap_size;
  }
}
