const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Redis's debugDelay for the rdb-key-save-delay / key-load-delay test knobs: blocks for `us`
 * microseconds (negative: nanoseconds, as Redis reads it). Whole milliseconds sleep; the rest spins.
 */
export function keyDelay(us: number): void {
  const totalMs = us >= 0 ? us / 1000 : -us / 1e6;
  const until = performance.now() + totalMs;
  const wholeMs = Math.floor(totalMs);
  if (wholeMs >= 1) Atomics.wait(sleepCell, 0, 0, wholeMs);
  while (performance.now() < until) {
    // spin for the sub-millisecond remainder
  }
}
