import { HLL_Q, HLL_REGISTERS } from './layout.js';

/**
 * Redis 7.0's cardinality estimator: Otmar Ertl's improved raw estimator ("New cardinality
 * estimation algorithms for HyperLogLog sketches", arXiv:1702.01284) over the register
 * histogram. Written with the same operations in the same order as hyperloglog.c, so the
 * doubles, and therefore the counts, are identical.
 */

/** 0.5 / ln(2), hyperloglog.c's HLL_ALPHA_INF. */
const ALPHA_INF = 0.7213475204444817; // the double nearest 0.721347520444481703680
/** 2^63: where llroundl gives up and x86 returns LLONG_MIN, read back as an unsigned 2^63. */
const TWO_POW_63 = 9223372036854775808;

export function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

export function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y; // pow(1 - x, 2), which GCC emits as this exact multiplication
  } while (zPrime !== z);
  return z / 3;
}

/**
 * The estimate from a histogram of register values (64 slots; values above HLL_Q + 1 only
 * come from hand-made values and are ignored, as in Redis). An unsigned 64-bit integer: a
 * number up to 2^53, a bigint above.
 */
export function estimateFromHistogram(histogram: Int32Array): number | bigint {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - (histogram[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histogram[j] as number;
    z *= 0.5;
  }
  z += m * hllSigma((histogram[0] as number) / m);
  const estimate = (ALPHA_INF * m * m) / z;
  // llroundl: halves away from zero (Math.round is exact for the non-negative values here).
  if (!(estimate < TWO_POW_63)) return 1n << 63n;
  const rounded = Math.round(estimate);
  return rounded <= Number.MAX_SAFE_INTEGER ? rounded : BigInt(rounded);
}
