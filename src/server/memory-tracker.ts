import type { MemorySnapshot } from '../commands/server-facade.js';

/**
 * The node's memory figures. Redis's used_memory is what its allocator handed out; the closest
 * honest figure in Node is V8's heap in use plus memory held outside the heap by Buffers and
 * other native objects: heapUsed + external (process.memoryUsage()). `arrayBuffers` is already
 * part of `external` (Node docs), so it is not added again. docs/memory-accounting.md.
 */
export function measureUsedBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

export class MemoryTracker {
  readonly startupBytes: number;
  #peakBytes: number;

  constructor() {
    this.startupBytes = measureUsedBytes();
    this.#peakBytes = this.startupBytes;
  }

  /** Reads the figures now and raises the peak (INFO, MEMORY STATS, and the tick call this). */
  snapshot(): MemorySnapshot {
    const usage = process.memoryUsage();
    const usedBytes = usage.heapUsed + usage.external;
    if (usedBytes > this.#peakBytes) this.#peakBytes = usedBytes;
    return { usedBytes, peakBytes: this.#peakBytes, startupBytes: this.startupBytes, rssBytes: usage.rss };
  }

  /** Cheaper than snapshot(): only the peak (heap statistics without the RSS read). */
  samplePeak(): void {
    const usedBytes = measureUsedBytes();
    if (usedBytes > this.#peakBytes) this.#peakBytes = usedBytes;
  }
}

/** Redis's bytesToHuman. */
export function bytesToHuman(bytes: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (bytes < 1024) return `${bytes}B`;
  let value = bytes / 1024;
  for (const unit of units) {
    if (value < 1024 || unit === 'P') return `${value.toFixed(2)}${unit}`;
    value /= 1024;
  }
  return `${bytes}B`;
}
