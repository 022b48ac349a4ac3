import type { Clock } from './clock.js';

/** The real clock, for the I/O layer. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicUs: () => Number(process.hrtime.bigint() / 1000n),
};
