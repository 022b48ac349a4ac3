import { HLL_HDR_SIZE, HLL_REGISTERS } from './layout.js';

/**
 * The dense representation: register i is bits [6i, 6i+6) of the register bytes (which start
 * after the header), least significant bit first.
 */

export function denseGetRegister(bytes: Buffer, index: number): number {
  const bit = index * 6;
  const at = HLL_HDR_SIZE + (bit >>> 3);
  const shift = bit & 7;
  // A register at shift 0 or 2 fits in one byte, so the last register never reads past the end.
  if (shift <= 2) return ((bytes[at] as number) >>> shift) & 63;
  return (((bytes[at] as number) >>> shift) | ((bytes[at + 1] as number) << (8 - shift))) & 63;
}

export function denseSetRegister(bytes: Buffer, index: number, value: number): void {
  const bit = index * 6;
  const at = HLL_HDR_SIZE + (bit >>> 3);
  const shift = bit & 7;
  bytes[at] = ((bytes[at] as number) & ~(63 << shift)) | ((value << shift) & 0xff);
  if (shift > 2) {
    const rest = 8 - shift;
    bytes[at + 1] = ((bytes[at + 1] as number) & ~(63 >>> rest)) | (value >>> rest);
  }
}

/** hllDenseSet: raises register `index` to `count`; 1 if it changed, else 0. */
export function denseSet(bytes: Buffer, index: number, count: number): number {
  if (count > denseGetRegister(bytes, index)) {
    denseSetRegister(bytes, index, count);
    return 1;
  }
  return 0;
}

/** Adds each register value's count to `histogram` (64 slots). */
export function denseHistogram(bytes: Buffer, histogram: Int32Array): void {
  let r = HLL_HDR_SIZE;
  // 16 registers in 12 bytes per step, as Redis does.
  for (let j = 0; j < HLL_REGISTERS / 16; j++, r += 12) {
    const b0 = bytes[r] as number;
    const b1 = bytes[r + 1] as number;
    const b2 = bytes[r + 2] as number;
    const b3 = bytes[r + 3] as number;
    const b4 = bytes[r + 4] as number;
    const b5 = bytes[r + 5] as number;
    const b6 = bytes[r + 6] as number;
    const b7 = bytes[r + 7] as number;
    const b8 = bytes[r + 8] as number;
    const b9 = bytes[r + 9] as number;
    const b10 = bytes[r + 10] as number;
    const b11 = bytes[r + 11] as number;
    histogram[b0 & 63]!++;
    histogram[((b0 >>> 6) | (b1 << 2)) & 63]!++;
    histogram[((b1 >>> 4) | (b2 << 4)) & 63]!++;
    histogram[b2 >>> 2]!++;
    histogram[b3 & 63]!++;
    histogram[((b3 >>> 6) | (b4 << 2)) & 63]!++;
    histogram[((b4 >>> 4) | (b5 << 4)) & 63]!++;
    histogram[b5 >>> 2]!++;
    histogram[b6 & 63]!++;
    histogram[((b6 >>> 6) | (b7 << 2)) & 63]!++;
    histogram[((b7 >>> 4) | (b8 << 4)) & 63]!++;
    histogram[b8 >>> 2]!++;
    histogram[b9 & 63]!++;
    histogram[((b9 >>> 6) | (b10 << 2)) & 63]!++;
    histogram[((b10 >>> 4) | (b11 << 4)) & 63]!++;
    histogram[b11 >>> 2]!++;
  }
}

/** hllMerge for a dense value: max[i] = max(max[i], register i). */
export function denseMergeInto(max: Uint8Array, bytes: Buffer): void {
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const value = denseGetRegister(bytes, i);
    if (value > (max[i] as number)) max[i] = value;
  }
}
