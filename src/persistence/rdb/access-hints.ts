import type { AccessMode } from '../../keyspace/keyspace.js';

/** Redis's LRU clock: seconds in 24 bits; LFU stamps: minutes in 16 bits, then the 8-bit counter. */
const LRU_CLOCK_MAX = (1 << 24) - 1;
const LFU_MINUTES_MAX = 65535;

/**
 * objectSetLRUOrLFU: the access clock of a key restored or loaded with an LRU idle time
 * (seconds) or an LFU frequency; undefined when neither applies to the access mode (the key
 * then gets a fresh clock).
 */
export function accessClockFromHints(mode: AccessMode, nowMs: number, hints: { idleSeconds?: number; lfuFreq?: number }): number | undefined {
  if (mode === 'lfu') {
    if (hints.lfuFreq === undefined) return undefined;
    return (Math.floor(nowMs / 60000) & LFU_MINUTES_MAX) * 256 + (hints.lfuFreq & 255);
  }
  if (hints.idleSeconds === undefined) return undefined;
  let clock = (Math.floor(nowMs / 1000) & LRU_CLOCK_MAX) - hints.idleSeconds;
  // The clock wraps (every ~194 days): an idle time past the wrap counts back from the top.
  if (clock < 0) clock += LRU_CLOCK_MAX;
  return clock < 0 ? 0 : clock;
}

/**
 * What rdbSaveKeyValuePair saves of a key's access clock: the LRU idle time under an LRU
 * maxmemory-policy, the LFU counter under an LFU one, nothing otherwise (noeviction, random, ttl).
 */
export function saveHintsFor(maxmemoryPolicy: string, accessClock: number, clocks: { idleSeconds(clock: number): number; lfuCounter(clock: number): number }): { idleSeconds?: number; lfuFreq?: number } | undefined {
  if (maxmemoryPolicy.endsWith('-lru')) return { idleSeconds: clocks.idleSeconds(accessClock) };
  if (maxmemoryPolicy.endsWith('-lfu')) return { lfuFreq: clocks.lfuCounter(accessClock) };
  return undefined;
}
