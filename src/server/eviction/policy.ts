/** Which keys a maxmemory-policy may evict, and how it ranks them. */
export interface EvictionPolicy {
  /** noeviction: nothing; allkeys-*: any key; volatile-*: keys with a TTL only. */
  readonly scope: 'none' | 'allkeys' | 'volatile';
  readonly rank: 'lru' | 'lfu' | 'random' | 'ttl';
}

/** Parses a maxmemory-policy value (the config layer already restricted it to Redis's names). */
export function parsePolicy(value: string): EvictionPolicy {
  if (value === 'noeviction') return { scope: 'none', rank: 'random' };
  const dash = value.indexOf('-');
  const scope = value.slice(0, dash);
  const rank = value.slice(dash + 1);
  if ((scope !== 'allkeys' && scope !== 'volatile') || (rank !== 'lru' && rank !== 'lfu' && rank !== 'random' && rank !== 'ttl')) {
    return { scope: 'none', rank: 'random' };
  }
  return { scope, rank };
}

/**
 * Redis's evictionTimeLimitUs: how long one command may spend evicting before the rest is left
 * to the tick. Tenacity 0..10 is linear up to 500 µs, 11..99 grows 15% a step, 100 is unbounded.
 */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return 500 * Math.pow(1.15, tenacity - 10);
  return Number.POSITIVE_INFINITY;
}
