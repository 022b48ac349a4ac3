import type { RawString } from '../../raw-string.js';
import { denseHistogram, denseMergeInto, denseSet } from './dense.js';
import { estimateFromHistogram } from './estimator.js';
import { HLL_DENSE, HLL_P, HLL_P_MASK, HLL_REGISTERS, hllEncoding } from './layout.js';
import { HLL_HASH_SEED, hashHi as u64HashHi, murmurHash64AOfU64 } from './murmur-hash-64a.js';
import { hashHi, murmurHash64A } from './murmur-wasm.js';
import { sparseHistogram, sparseMergeInto, sparseSet, type SparseSetResult } from './sparse.js';

/**
 * HyperLogLog operations on a value's bytes, in either encoding (the commands' view of
 * hyperloglog.c). Values must have passed isValidHllHeader.
 */

/** hllPatLen's register index of the last patternLength call. */
export let patternRegister = 0;

/**
 * hllPatLen: the length of the 0…01 run in the hash bits above the register index (1..51);
 * the register index is left in patternRegister.
 */
export function patternLength(element: string): number {
  return patternOfHash(murmurHash64A(element, HLL_HASH_SEED), hashHi);
}

/** patternLength of an element that is the 8 bytes of a little-endian u64 (PFSELFTEST). */
export function patternLengthOfU64(wordLo: number, wordHi: number): number {
  return patternOfHash(murmurHash64AOfU64(wordLo, wordHi, HLL_HASH_SEED), u64HashHi);
}

function patternOfHash(lo: number, hi: number): number {
  patternRegister = lo & HLL_P_MASK;
  const low = lo >>> HLL_P; // hash bits 14..31
  if (low !== 0) return countTrailingZeros(low) + 1;
  if (hi !== 0) return 32 - HLL_P + countTrailingZeros(hi) + 1;
  return 64 - HLL_P + 1;
}

function countTrailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** hllAdd: 1 when a register grew, 0 when not, -1 for a corrupt sparse value. */
export function hllAdd(raw: RawString, element: string, sparseMaxBytes: number): SparseSetResult {
  const count = patternLength(element);
  return hllSet(raw, patternRegister, count, sparseMaxBytes);
}

/** Raises register `index` to `count` in either encoding (hllDenseSet / hllSparseSet). */
export function hllSet(raw: RawString, index: number, count: number, sparseMaxBytes: number): SparseSetResult {
  if (hllEncoding(raw.bytes) === HLL_DENSE) return denseSet(raw.bytes, index, count) as SparseSetResult;
  return sparseSet(raw, index, count, sparseMaxBytes);
}

const histogram = new Int32Array(64);

/** hllCount: the estimate, or null when a sparse value is corrupt. */
export function hllCount(bytes: Buffer, lengthBytes: number): number | bigint | null {
  histogram.fill(0);
  if (hllEncoding(bytes) === HLL_DENSE) denseHistogram(bytes, histogram);
  else if (!sparseHistogram(bytes, lengthBytes, histogram)) return null;
  return estimateFromHistogram(histogram);
}

/** The estimate of registers held one per byte (PFCOUNT of several keys). */
export function hllCountRegisters(registers: Uint8Array): number | bigint {
  histogram.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[registers[i] as number]!++;
  return estimateFromHistogram(histogram);
}

/** hllMerge: max[i] = max(max[i], register i); false for a corrupt sparse value. */
export function hllMergeInto(max: Uint8Array, bytes: Buffer, lengthBytes: number): boolean {
  if (hllEncoding(bytes) === HLL_DENSE) {
    denseMergeInto(max, bytes);
    return true;
  }
  return sparseMergeInto(max, bytes, lengthBytes);
}
