import type { RawString } from '../../raw-string.js';
import { denseSetRegister } from './dense.js';
import { HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTERS, setHllEncoding } from './layout.js';

/**
 * The sparse representation: after the header, a stream of opcodes covering the registers in
 * order. ZERO `00xxxxxx` is a run of 1..64 zero registers; XZERO `01xxxxxx yyyyyyyy` a run of
 * 1..16384; VAL `1vvvvvxx` a run of 1..4 registers holding 1..32. Every function here follows
 * Redis's hyperloglog.c step by step, since the exact bytes it produces are visible (GET, DUMP).
 */

/*
 * OVERFLOW_IS_CORRUPT: a VAL opcode that runs past register 16383 makes the value corrupt at
 * once. hyperloglog.c in the 7.0.15 tag only stops reading there (and accepts the value if
 * exactly 16384 registers were covered), but the reference redis-server 7.0.15 (Debian
 * 7.0.15-1~deb12u10, with the CVE-2025-32023 fix) rejects it: PFCOUNT of several keys, PFMERGE
 * and the sparse → dense conversion all answer INVALIDOBJ for `XZERO:16384 VAL`.
 */

const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const XZERO_MAX_LEN = 16384;

const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXZero = (op: number): boolean => (op & 0xc0) === 0x40;
const isVal = (op: number): boolean => (op & 0x80) !== 0;
const zeroLen = (op: number): number => (op & 0x3f) + 1;
const xzeroLen = (op: number, next: number): number => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number): number => ((op >>> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 0x3) + 1;
const valOp = (value: number, len: number): number => (((value - 1) << 2) | (len - 1) | 0x80) & 0xff;

/** createHLLObject's value: an empty sparse HLL (one XZERO covering every register). */
export function emptySparseHll(): Buffer {
  const bytes = Buffer.alloc(HLL_HDR_SIZE + 2);
  bytes.latin1Write('HYLL', 0);
  bytes[4] = 1;
  let remaining = HLL_REGISTERS;
  let at = HLL_HDR_SIZE;
  while (remaining > 0) {
    const run = Math.min(remaining, XZERO_MAX_LEN);
    bytes[at] = ((run - 1) >>> 8) | 0x40;
    bytes[at + 1] = (run - 1) & 0xff;
    at += 2;
    remaining -= run;
  }
  return bytes;
}

/**
 * hllSparseToDense: the same HLL in the dense encoding (header copied, cache included), or null
 * when the opcodes do not cover exactly 16384 registers.
 */
export function sparseToDense(bytes: Buffer, lengthBytes: number): Buffer | null {
  // One spare byte, like the sds NUL terminator (the register code never needs it).
  const dense = Buffer.alloc(HLL_DENSE_SIZE + 1);
  bytes.copy(dense, 0, 0, HLL_HDR_SIZE);
  setHllEncoding(dense, HLL_DENSE);
  let index = 0;
  let p = HLL_HDR_SIZE;
  while (p < lengthBytes) {
    const op = bytes[p] as number;
    if (isZero(op)) {
      index += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      index += xzeroLen(op, byteOrZero(bytes, p + 1, lengthBytes));
      p += 2;
    } else {
      let run = valLen(op);
      const value = valValue(op);
      if (run + index > HLL_REGISTERS) return null; // see OVERFLOW_IS_CORRUPT
      while (run-- > 0) denseSetRegister(dense, index++, value);
      p++;
    }
  }
  return index === HLL_REGISTERS ? dense : null;
}

/** What sparseSet did: registers changed (1), nothing to do (0), corrupt value (-1). */
export type SparseSetResult = 1 | 0 | -1;

/**
 * hllSparseSet: raises register `index` to `count` in place. Promotes the value to dense (the
 * RawString then holds the dense bytes) when `count` does not fit a VAL opcode or the value
 * would grow past `sparseMaxBytes`.
 */
export function sparseSet(raw: RawString, index: number, count: number, sparseMaxBytes: number): SparseSetResult {
  if (count > VAL_MAX_VALUE) return promote(raw, index, count);
  // Room for the worst split (XZERO → XZERO VAL XZERO: +3 bytes), so offsets stay valid.
  if (raw.bytes.length < raw.length + 3) {
    const grown = Buffer.alloc(Math.max(raw.length * 2, raw.length + 3));
    raw.bytes.copy(grown, 0, 0, raw.length);
    raw.bytes = grown;
  }
  const b = raw.bytes;
  const sparseStart = HLL_HDR_SIZE;
  let end = raw.length;
  let p = sparseStart;
  let first = 0;
  let prev = -1;
  let span = 0;
  // Step 1: find the opcode covering `index`.
  while (p < end) {
    const op = b[p] as number;
    let opLen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isVal(op)) span = valLen(op);
    else {
      span = xzeroLen(op, byteOrZero(b, p + 1, end));
      opLen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += opLen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = b[p] as number;
  let next = isXZero(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const opIsZero = isZero(op);
  const opIsXZero = isXZero(op);
  const runLen = opIsZero ? zeroLen(op) : opIsXZero ? xzeroLen(op, byteOrZero(b, p + 1, end)) : valLen(op);

  updated: {
    // Step 2, cases A and B: a VAL opcode.
    if (!opIsZero && !opIsXZero) {
      if (valValue(op) >= count) return 0;
      if (runLen === 1) {
        b[p] = valOp(count, 1);
        break updated;
      }
    }
    // Case C: a ZERO of length 1 becomes a VAL.
    if (opIsZero && runLen === 1) {
      b[p] = valOp(count, 1);
      break updated;
    }
    // Case D: split the opcode into up to three.
    const seq: number[] = [];
    const last = first + span - 1;
    if (opIsZero || opIsXZero) {
      if (index !== first) pushZeroRun(seq, index - first);
      seq.push(valOp(count, 1));
      if (index !== last) pushZeroRun(seq, last - index);
    } else {
      const current = valValue(op);
      if (index !== first) seq.push(valOp(current, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(current, last - index));
    }
    // Step 3: put the sequence in place of the old opcode.
    const oldLen = opIsXZero ? 2 : 1;
    const delta = seq.length - oldLen;
    if (delta > 0 && raw.length + delta > sparseMaxBytes) return promote(raw, index, count);
    if (delta !== 0 && next !== -1) b.copyWithin(next + delta, next, end);
    raw.length += delta;
    for (let i = 0; i < seq.length; i++) b[p + i] = seq[i] as number;
    end += delta;
  }

  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = prev !== -1 ? prev : sparseStart;
  let scanLeft = 5;
  while (p < end && scanLeft-- > 0) {
    const op = b[p] as number;
    if (isXZero(op)) {
      p += 2;
      continue;
    }
    if (isZero(op)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(b[p + 1] as number)) {
      const v1 = valValue(op);
      const v2 = valValue(b[p + 1] as number);
      if (v1 === v2) {
        const len = valLen(op) + valLen(b[p + 1] as number);
        if (len <= VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end);
          raw.length--;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  b[15] = (b[15] as number) | 0x80; // the cached cardinality is stale
  return 1;
}

/** A byte of the value, or 0 past its end (where Redis reads the sds NUL terminator). */
function byteOrZero(bytes: Buffer, index: number, lengthBytes: number): number {
  return index < lengthBytes ? (bytes[index] as number) : 0;
}

function pushZeroRun(seq: number[], len: number): void {
  if (len > ZERO_MAX_LEN) {
    seq.push(((len - 1) >>> 8) | 0x40, (len - 1) & 0xff);
  } else {
    seq.push(len - 1);
  }
}

function promote(raw: RawString, index: number, count: number): SparseSetResult {
  const dense = sparseToDense(raw.bytes, raw.length);
  if (dense === null) return -1;
  raw.bytes = dense;
  raw.length = HLL_DENSE_SIZE;
  // A promotion always happens for a register that must grow, so it changes the dense value.
  denseSetRegister(dense, index, count);
  return 1;
}

/**
 * Adds each register value's count to `histogram`; returns false when the opcodes do not cover
 * exactly 16384 registers (hllSparseRegHisto's `invalid`).
 */
export function sparseHistogram(bytes: Buffer, lengthBytes: number, histogram: Int32Array): boolean {
  let index = 0;
  let p = HLL_HDR_SIZE;
  while (p < lengthBytes) {
    const op = bytes[p] as number;
    if (isZero(op)) {
      const run = zeroLen(op);
      index += run;
      histogram[0]! += run;
      p++;
    } else if (isXZero(op)) {
      const run = xzeroLen(op, byteOrZero(bytes, p + 1, lengthBytes));
      index += run;
      histogram[0]! += run;
      p += 2;
    } else {
      const run = valLen(op);
      index += run;
      histogram[valValue(op)]! += run;
      p++;
    }
  }
  return index === HLL_REGISTERS;
}

/** hllMerge for a sparse value; false when it is corrupt. */
export function sparseMergeInto(max: Uint8Array, bytes: Buffer, lengthBytes: number): boolean {
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < lengthBytes) {
    const op = bytes[p] as number;
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      i += xzeroLen(op, byteOrZero(bytes, p + 1, lengthBytes));
      p += 2;
    } else {
      let run = valLen(op);
      const value = valValue(op);
      if (run + i > HLL_REGISTERS) return false; // see OVERFLOW_IS_CORRUPT
      while (run-- > 0) {
        if (value > (max[i] as number)) max[i] = value;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** PFDEBUG DECODE's text: `z:<len>`, `Z:<len>`, `v:<value>,<len>` separated by spaces. */
export function decodeSparse(bytes: Buffer, lengthBytes: number): string {
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < lengthBytes) {
    const op = bytes[p] as number;
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXZero(op)) {
      parts.push(`Z:${xzeroLen(op, byteOrZero(bytes, p + 1, lengthBytes))}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}
