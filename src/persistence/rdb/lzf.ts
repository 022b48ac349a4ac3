/**
 * LZF as Redis uses it for strings over 20 bytes (rdbcompression yes). The compressor follows
 * liblzf 3.6 with Redis's settings (lzfP.h: HLOG 16, VERY_FAST, no ULTRA_FAST) step by step, so
 * for the same input it finds the same matches and emits the same bytes (Redis leaves its hash
 * table uninitialized, so in rare cases Redis finds a match a clean table does not: both
 * outputs decompress to the same bytes).
 *
 * Format: 000LLLLL + L+1 literal bytes; LLLooooo oooooooo: back reference of L+2 bytes at
 * distance o+1; 111ooooo LLLLLLLL oooooooo: back reference of L+9 bytes.
 */
import { RdbFormatError } from './rdb-format-error.js';

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * The hash table holds `base + position + 1`; entries at or below `base` belong to earlier calls.
 * Moving `base` past each input instead of clearing 64K entries keeps small inputs cheap.
 */
const htab = new Int32Array(HSIZE);
let base = 0;
const BASE_LIMIT = 0x7fffffff - 0x10000000;

function idx(hval: number): number {
  return ((hval >>> (3 * 8 - HLOG)) - hval * 5) & (HSIZE - 1);
}

/**
 * Compresses input[inStart, inEnd) into out[outStart...], at most outLen bytes. Returns the
 * compressed length, or 0 when it does not fit (liblzf's lzf_compress).
 */
export function lzfCompressInto(input: Uint8Array, inStart: number, inEnd: number, out: Uint8Array, outStart: number, outLen: number): number {
  const inLen = inEnd - inStart;
  if (inLen <= 0 || outLen <= 0) return 0;
  if (base + inLen + 1 >= BASE_LIMIT) {
    htab.fill(0);
    base = 0;
  }
  const b = base;
  base += inLen + 1;
  const inp = input;
  const s = inStart;
  const o = outStart;
  const outEnd = outLen;
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run
  let hval = (((inp[s] as number) << 8) | ((inp[s + 1] ?? 0) as number)) >>> 0;
  while (ip < inLen - 2) {
    hval = ((hval << 8) | (inp[s + ip + 2] as number)) >>> 0;
    const slot = idx(hval);
    const stored = htab[slot] as number;
    htab[slot] = b + ip + 1;
    const ref = stored > b ? stored - b - 1 : -1;
    const off = ip - ref - 1;
    if (
      ref > 0 &&
      off < MAX_OFF &&
      inp[s + ref + 2] === inp[s + ip + 2] &&
      inp[s + ref] === inp[s + ip] &&
      inp[s + ref + 1] === inp[s + ip + 1]
    ) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
      out[o + op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (inp[s + ref + len] !== inp[s + ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxlen && inp[s + ref + len] === inp[s + ip + len]);
      }
      len -= 2; // now the octet count - 1
      ip++;
      if (len < 7) {
        out[o + op++] = (off >> 8) + (len << 5);
      } else {
        out[o + op++] = (off >> 8) + (7 << 5);
        out[o + op++] = len - 7;
      }
      out[o + op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2;
      hval = (((inp[s + ip] as number) << 8) | (inp[s + ip + 1] as number)) >>> 0;
      hval = ((hval << 8) | (inp[s + ip + 2] as number)) >>> 0;
      htab[idx(hval)] = b + ip + 1;
      ip++;
      hval = ((hval << 8) | (inp[s + ip + 2] as number)) >>> 0;
      htab[idx(hval)] = b + ip + 1;
      ip++;
    } else {
      if (op >= outEnd) return 0;
      lit++;
      out[o + op++] = inp[s + ip++] as number;
      if (lit === MAX_LIT) {
        out[o + op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }
  if (op + 3 > outEnd) return 0;
  while (ip < inLen) {
    lit++;
    out[o + op++] = inp[s + ip++] as number;
    if (lit === MAX_LIT) {
      out[o + op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[o + op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--;
  return op;
}

/**
 * Compresses like Redis's rdbSaveLzfStringObject: null for inputs of 4 bytes or less and when
 * the result would not save at least 4 bytes (then Redis stores the string as is).
 */
export function lzfCompress(input: Uint8Array): Buffer | null {
  if (input.length <= 4) return null;
  const out = Buffer.allocUnsafe(input.length + 4);
  const n = lzfCompressInto(input, 0, input.length, out, 0, input.length - 4);
  return n === 0 ? null : Buffer.from(out.subarray(0, n));
}

/**
 * Decompresses input[start, end) into exactly `expectedLength` bytes (lzf_decompress plus
 * Redis's length check). `offsetForErrors` is where the compressed bytes start in the file.
 */
export function lzfDecompressInto(input: Uint8Array, start: number, end: number, out: Uint8Array, outStart: number, expectedLength: number, offsetForErrors = start): void {
  let ip = start;
  let op = outStart;
  const outEnd = outStart + expectedLength;
  while (ip < end) {
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (op + len > outEnd) throw new RdbFormatError('LZF literal run overflows the declared length', offsetForErrors + (ip - start));
      if (ip + len > end) throw new RdbFormatError('LZF literal run past the end of the compressed data', offsetForErrors + (ip - start));
      for (let i = 0; i < len; i++) out[op++] = input[ip++] as number;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= end) throw new RdbFormatError('LZF back reference cut short', offsetForErrors + (ip - start));
        len += input[ip++] as number;
      }
      if (ip >= end) throw new RdbFormatError('LZF back reference cut short', offsetForErrors + (ip - start));
      ref -= input[ip++] as number;
      len += 2;
      if (op + len > outEnd) throw new RdbFormatError('LZF back reference overflows the declared length', offsetForErrors + (ip - start));
      if (ref < outStart) throw new RdbFormatError('LZF back reference before the start of the data', offsetForErrors + (ip - start));
      for (let i = 0; i < len; i++) out[op++] = out[ref++] as number;
    }
  }
  if (op !== outEnd) throw new RdbFormatError(`LZF data decompresses to ${op - outStart} bytes, expected ${expectedLength}`, offsetForErrors);
}

/** Decompresses a whole LZF block to `expectedLength` bytes. */
export function lzfDecompress(input: Uint8Array, expectedLength: number): Buffer {
  const out = Buffer.allocUnsafe(expectedLength);
  lzfDecompressInto(input, 0, input.length, out, 0, expectedLength, 0);
  return out;
}
