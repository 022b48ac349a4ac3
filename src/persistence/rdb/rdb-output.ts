import { RDB_14BITLEN, RDB_32BITLEN, RDB_64BITLEN, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_INT8, RDB_ENC_LZF, RDB_ENCVAL } from './constants.js';
import { lzfCompressInto } from './lzf.js';

/** The first buffer's size; it doubles as it fills. */
const INITIAL_BYTES = 64 * 1024;
/** A writer that hands out its bytes in chunks restarts with at most this much. */
const MAX_RESTART_BYTES = 4 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);
/** Redis compresses only strings longer than this (rdbSaveRawString). */
const LZF_MIN_BYTES = 21;
/** Redis tries an integer encoding only for strings this short (rdbSaveRawString). */
const INT_ENCODING_MAX_BYTES = 11;
/** quicklist.c: smaller nodes are never compressed in memory (MIN_COMPRESS_BYTES)... */
const QUICKLIST_MIN_COMPRESS_BYTES = 48;
/** ...nor those LZF shrinks by 8 bytes or less (MIN_COMPRESS_IMPROVE). */
const QUICKLIST_MIN_COMPRESS_IMPROVE_BYTES = 8;

/** Scratch space for LZF output, grown on demand and reused (one allocation for a whole save). */
let lzfScratch: Buffer = Buffer.allocUnsafe(64 * 1024);
/** Scratch space for strings given as latin1 text that may be compressed. */
let textScratch: Buffer = Buffer.allocUnsafe(64 * 1024);

function scratch(current: Buffer, bytes: number): Buffer {
  return current.length >= bytes ? current : Buffer.allocUnsafe(Math.max(bytes, current.length * 2));
}

/**
 * A growable byte writer for the RDB format: one large buffer written in place (no small
 * Buffers per element), with the RDB primitives (length encoding, string encodings with integer
 * and LZF forms, binary doubles, millisecond times). `take()` hands out what was written so far.
 */
export class RdbOutput {
  #buf: Buffer;
  #pos = 0;
  /** The size of the buffer started after a take(), grown with use (at most MAX_RESTART_BYTES). */
  #restartBytes: number;

  constructor(initialBytes = INITIAL_BYTES) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
    this.#restartBytes = initialBytes;
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.#pos;
  }

  #reserve(bytes: number): void {
    const needed = this.#pos + bytes;
    if (needed <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buf.length * 2, this.#restartBytes));
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  /**
   * The bytes written since the last call. The next write starts a new buffer (allocated only
   * then, so a one-shot writer such as DUMP's allocates nothing more) of the size this one grew to.
   */
  take(): Buffer {
    const out = this.#buf.subarray(0, this.#pos);
    this.#restartBytes = Math.min(Math.max(this.#restartBytes, this.#buf.length), MAX_RESTART_BYTES);
    this.#buf = EMPTY;
    this.#pos = 0;
    return out;
  }

  byte(value: number): void {
    this.#reserve(1);
    this.#buf[this.#pos++] = value;
  }

  bytes(data: Uint8Array, start = 0, end = data.length): void {
    const n = end - start;
    this.#reserve(n);
    const buf = this.#buf;
    if (n <= 32) {
      // Short runs (small listpacks, LZF output of short strings): a loop beats a subarray.
      let p = this.#pos;
      for (let i = start; i < end; i++) buf[p++] = data[i] as number;
    } else {
      buf.set(data.subarray(start, end), this.#pos);
    }
    this.#pos += n;
  }

  /** Raw bytes of a latin1 string. */
  latin1(text: string): void {
    this.#reserve(text.length);
    this.#pos += this.#buf.latin1Write(text, this.#pos);
  }

  u16LE(value: number): void {
    this.#reserve(2);
    this.#pos = this.#buf.writeUInt16LE(value, this.#pos);
  }

  u32LE(value: number): void {
    this.#reserve(4);
    this.#pos = this.#buf.writeUInt32LE(value >>> 0, this.#pos);
  }

  /** A 64-bit big-endian unsigned (stream ids in node keys and PELs). */
  u64BE(value: number | bigint): void {
    this.#reserve(8);
    if (typeof value === 'number') {
      const hi = Math.floor(value / 0x100000000);
      this.#buf.writeUInt32BE(hi >>> 0, this.#pos);
      this.#buf.writeUInt32BE((value - hi * 0x100000000) >>> 0, this.#pos + 4);
      this.#pos += 8;
    } else {
      this.#pos = this.#buf.writeBigUInt64BE(BigInt.asUintN(64, value), this.#pos);
    }
  }

  /** A signed 64-bit little-endian integer (rdbSaveMillisecondTime); a bigint past 2^53. */
  i64LE(value: number | bigint): void {
    this.#reserve(8);
    if (typeof value === 'bigint') {
      this.#pos = this.#buf.writeBigInt64LE(BigInt.asIntN(64, value), this.#pos);
      return;
    }
    const hi = Math.floor(value / 0x100000000);
    this.#buf.writeUInt32LE((value - hi * 0x100000000) >>> 0, this.#pos);
    this.#buf.writeInt32LE(hi | 0, this.#pos + 4);
    this.#pos += 8;
  }

  /** rdbSaveBinaryDoubleValue: the IEEE-754 bytes, little-endian. */
  doubleLE(value: number): void {
    this.#reserve(8);
    this.#pos = this.#buf.writeDoubleLE(value, this.#pos);
  }

  /** rdbSaveLen; a bigint for u64 values beyond 2^53 (stream ids). */
  len(value: number | bigint): void {
    this.#reserve(9);
    const buf = this.#buf;
    if (typeof value === 'number' && value < 64) {
      buf[this.#pos++] = value;
    } else if (typeof value === 'number' && value < 16384) {
      buf[this.#pos++] = (RDB_14BITLEN << 6) | (value >> 8);
      buf[this.#pos++] = value & 0xff;
    } else if (typeof value === 'number' && value <= 0xffffffff) {
      buf[this.#pos++] = RDB_32BITLEN;
      this.#pos = buf.writeUInt32BE(value, this.#pos);
    } else {
      buf[this.#pos++] = RDB_64BITLEN;
      if (typeof value === 'number') {
        const hi = Math.floor(value / 0x100000000);
        buf.writeUInt32BE(hi >>> 0, this.#pos);
        buf.writeUInt32BE((value - hi * 0x100000000) >>> 0, this.#pos + 4);
        this.#pos += 8;
      } else {
        this.#pos = buf.writeBigUInt64BE(BigInt.asUintN(64, value), this.#pos);
      }
    }
  }

  /**
   * An integer as Redis's rdbEncodeInteger writes it (int8/16/32 forms), or false when it
   * does not fit 32 bits.
   */
  #tryInteger(value: number): boolean {
    this.#reserve(5);
    const buf = this.#buf;
    if (value >= -128 && value <= 127) {
      buf[this.#pos++] = (RDB_ENCVAL << 6) | RDB_ENC_INT8;
      buf[this.#pos++] = value & 0xff;
    } else if (value >= -32768 && value <= 32767) {
      buf[this.#pos++] = (RDB_ENCVAL << 6) | RDB_ENC_INT16;
      this.#pos = buf.writeInt16LE(value, this.#pos);
    } else if (value >= -2147483648 && value <= 2147483647) {
      buf[this.#pos++] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
      this.#pos = buf.writeInt32LE(value, this.#pos);
    } else {
      return false;
    }
    return true;
  }

  /**
   * rdbSaveRawString for a latin1 string: an integer form when it is a canonical int32 of at
   * most 11 characters, LZF when `compress` and longer than 20 bytes and it saves 4+ bytes,
   * else length + bytes.
   */
  string(text: string, compress: boolean): void {
    const n = text.length;
    if (n <= INT_ENCODING_MAX_BYTES && n > 0) {
      const value = canonicalInt32(text);
      if (value !== null && this.#tryInteger(value)) return;
    }
    if (compress && n >= LZF_MIN_BYTES) {
      textScratch = scratch(textScratch, n);
      textScratch.latin1Write(text, 0);
      if (this.#tryLzf(textScratch, 0, n)) return;
    }
    this.len(n);
    this.latin1(text);
  }

  /**
   * string(text.slice(start, end), compress) without the temporary string (ranges of packed
   * in-memory encodings), except for a short range that may be an integer.
   */
  stringRange(text: string, start: number, end: number, compress: boolean): void {
    const n = end - start;
    if (n > 0 && n <= INT_ENCODING_MAX_BYTES) {
      const first = text.charCodeAt(start);
      if ((first >= 48 && first <= 57) || first === 45) {
        this.string(text.slice(start, end), compress);
        return;
      }
    }
    if (compress && n >= LZF_MIN_BYTES) {
      textScratch = scratch(textScratch, n);
      for (let i = 0; i < n; i++) textScratch[i] = text.charCodeAt(start + i);
      if (this.#tryLzf(textScratch, 0, n)) return;
      this.len(n);
      this.bytes(textScratch, 0, n);
      return;
    }
    this.len(n);
    this.#reserve(n);
    const buf = this.#buf;
    const at = this.#pos;
    for (let i = 0; i < n; i++) buf[at + i] = text.charCodeAt(start + i);
    this.#pos = at + n;
  }

  /** rdbSaveRawString for bytes that are never integers (listpacks, intsets, ziplists). */
  blob(data: Uint8Array, start: number, end: number, compress: boolean): void {
    if (compress && end - start >= LZF_MIN_BYTES && this.#tryLzf(data, start, end)) return;
    this.len(end - start);
    this.bytes(data, start, end);
  }

  /** rdbSaveLzfStringObject: writes and returns true when LZF saves at least 4 bytes. */
  #tryLzf(data: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    lzfScratch = scratch(lzfScratch, n + 16);
    const compressed = lzfCompressInto(data, start, end, lzfScratch, 0, n - 4);
    if (compressed === 0) return false;
    this.#lzfBlob(compressed, n);
    return true;
  }

  /**
   * A quicklist node Redis keeps LZF-compressed in memory (list-compress-depth) is written as it
   * is (rdbSaveLzfBlob), rdbcompression or not: true when __quicklistCompressNode would have
   * compressed it (MIN_COMPRESS_BYTES, MIN_COMPRESS_IMPROVE), false when it stays raw.
   */
  compressedNode(data: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (n < QUICKLIST_MIN_COMPRESS_BYTES) return false;
    lzfScratch = scratch(lzfScratch, n + 16);
    const compressed = lzfCompressInto(data, start, end, lzfScratch, 0, n);
    if (compressed === 0 || compressed + QUICKLIST_MIN_COMPRESS_IMPROVE_BYTES >= n) return false;
    this.#lzfBlob(compressed, n);
    return true;
  }

  /** RDB_ENC_LZF: compressed length, original length, the bytes in lzfScratch. */
  #lzfBlob(compressed: number, n: number): void {
    this.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
    this.len(compressed);
    this.len(n);
    this.bytes(lzfScratch, 0, compressed);
  }
}

/**
 * The value of a canonical decimal integer text of at most 15 characters (always a safe
 * integer; Redis's string2ll rules: no '+', no leading zeros, no "-0"), or null.
 */
export function canonicalSmallInt(text: string): number | null {
  const n = text.length;
  if (n === 0 || n > 15) return null;
  const negative = text.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  if (negative && n === 1) return null;
  const first = text.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null;
  let value = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  return negative ? -value : value;
}

/** canonicalSmallInt, when the value fits 32 bits (what rdbEncodeInteger can write). */
export function canonicalInt32(text: string): number | null {
  if (text.length > 11) return null;
  const value = canonicalSmallInt(text);
  return value !== null && value >= -2147483648 && value <= 2147483647 ? value : null;
}
