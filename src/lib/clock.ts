/**
 * Time as an argument. Pure code (resp/, keyspace/, cluster/) never reads the wall clock itself:
 * it is handed a Clock, so the simulator can drive it with a virtual one.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (may be virtual). */
  nowMs(): number;
  /** Microseconds from an arbitrary origin, monotonic; for durations (SLOWLOG, latency). */
  monotonicUs(): number;
}

/** A clock the test or simulator moves by hand. */
export class ManualClock implements Clock {
  #nowMs: number;
  #monotonicUs = 0;
  constructor(startMs = 1_700_000_000_000) {
    this.#nowMs = startMs;
  }
  nowMs(): number {
    return this.#nowMs;
  }
  monotonicUs(): number {
    return this.#monotonicUs;
  }
  advanceMs(deltaMs: number): void {
    this.#nowMs += deltaMs;
    this.#monotonicUs += deltaMs * 1000;
  }
}
