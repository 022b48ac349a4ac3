/**
 * Redis's math.random for scripts: the rand48 generator of src/rand.c, starting from its static
 * initial state (never seeded at start-up) and carried from script to script, so a fresh node
 * draws the same sequence as a fresh redis-server.
 */
const A = 0x5deece66dn;
const C = 0xbn;
const MASK48 = (1n << 48n) - 1n;
const RAND48_MAX = 2147483647; // INT32_MAX, Redis's REDIS_LRAND48_MAX

export class Rand48 {
  #x = 0x1234abcd330en;

  seed(value: number): void {
    this.#x = ((BigInt(value | 0) & 0xffffffffn) << 16n) | 0x330en;
  }

  /** redisLrand48: the next 31-bit value. */
  next(): number {
    this.#x = (A * this.#x + C) & MASK48;
    return Number(this.#x >> 17n);
  }

  /** Lua 5.1's math.random base: a double in [0, 1). */
  nextUnit(): number {
    return (this.next() % RAND48_MAX) / RAND48_MAX;
  }
}
