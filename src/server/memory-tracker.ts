import type { MemorySnapshot } from '../commands/server-facade.js';
import { readRetainedBytes } from './eviction/used-memory.js';

/**
 * V8's heap in use plus memory held outside the heap by Buffers and other native objects:
 * heapUsed + external (process.memoryUsage()), garbage included. `arrayBuffers` is already
 * part of `external` (Node docs), so it is not added again; so are the bytes of external
 * strings (large arguments, docs/external-strings.md). docs/memory-accounting.md.
 */
export function measureUsedBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/**
 * The node's memory figures. Redis's used_memory is what its allocator handed out and still
 * live; ours is the live-bytes gauge (src/server/eviction/used-memory.ts: the retained heap
 * measured after each major GC, moved by the key count in between), set by the server as
 * `liveBytes`. Without it (unit tests) the raw heap figure is used.
 */
export class MemoryTracker {
  readonly startupBytes: number;
  #peakBytes: number;
  liveBytes: () => number = measureUsedBytes;

  constructor() {
    // On the gauge's scale (young generation excluded, as after a GC): the empty node's live bytes.
    this.startupBytes = readRetainedBytes();
    this.#peakBytes = this.startupBytes;
  }

  /** Reads the figures now and raises the peak (INFO, MEMORY STATS, and the tick call this). */
  snapshot(): MemorySnapshot {
    // Whole bytes, as Redis prints them: the gauge interpolates between GCs (a fraction).
    const usedBytes = Math.round(this.liveBytes());
    if (usedBytes > this.#peakBytes) this.#peakBytes = usedBytes;
    return { usedBytes, peakBytes: this.#peakBytes, startupBytes: this.startupBytes, rssBytes: process.memoryUsage.rss() };
  }

  /** Cheaper than snapshot(): only the peak (no RSS read). */
  samplePeak(): void {
    const usedBytes = Math.round(this.liveBytes());
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
