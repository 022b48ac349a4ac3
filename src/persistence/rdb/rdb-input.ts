import { RDB_14BITLEN, RDB_32BITLEN, RDB_64BITLEN, RDB_6BITLEN, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_INT8, RDB_ENC_LZF, RDB_ENCVAL } from './constants.js';
import { lzfDecompressInto } from './lzf.js';
import { RdbFormatError } from './rdb-format-error.js';

/** A view on bytes: buf[start, end). */
export interface ByteView {
  buf: Buffer;
  start: number;
  end: number;
}

/** One buffer for decompressed blobs, reused: a view into it lives until the next blob. */
let blobScratch: Buffer = Buffer.allocUnsafe(64 * 1024);

/**
 * A bounds-checked reader over an RDB file or DUMP payload. Every read that would go past the
 * end, or meets an encoding that cannot be, throws RdbFormatError with the byte offset (plus
 * `baseOffset`, the position of this buffer in the file).
 */
export class RdbInput {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;
  readonly baseOffset: number;

  constructor(buf: Buffer, start = 0, end = buf.length, baseOffset = 0) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.baseOffset = baseOffset;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** An error at the current position (or at `at`). */
  error(reason: string, at = this.pos): RdbFormatError {
    return new RdbFormatError(reason, this.baseOffset + at);
  }

  need(bytes: number, what: string): void {
    if (bytes < 0 || this.pos + bytes > this.end) {
      throw this.error(`unexpected end of data reading ${what} (${bytes} bytes needed, ${this.end - this.pos} left)`);
    }
  }

  byte(what = 'a byte'): number {
    if (this.pos >= this.end) throw this.error(`unexpected end of data reading ${what}`);
    return this.buf[this.pos++] as number;
  }

  u16LE(): number {
    this.need(2, 'a 16-bit integer');
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32LE(): number {
    this.need(4, 'a 32-bit integer');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A signed 64-bit little-endian integer as a number (times in ms: far below 2^53). */
  i64LE(what = 'a 64-bit time'): number {
    this.need(8, what);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readInt32LE(this.pos + 4);
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }

  /** A 64-bit big-endian unsigned as a number when safe, else a bigint (stream ids). */
  u64BE(what = 'a stream id'): number | bigint {
    this.need(8, what);
    const hi = this.buf.readUInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    if (hi < 0x200000) return hi * 0x100000000 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  doubleLE(): number {
    this.need(8, 'a binary double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  raw(bytes: number, what: string): ByteView {
    this.need(bytes, what);
    const view = { buf: this.buf, start: this.pos, end: this.pos + bytes };
    this.pos += bytes;
    return view;
  }

  /**
   * rdbLoadLen: a u64 length (number when safe, else bigint), or an encoded string marker:
   * returns the marker kind as -1 - kind via `encodedKind` being set.
   */
  #lenOrEncoding(what: string): { value: number | bigint; encoded: boolean } {
    const start = this.pos;
    const first = this.byte(what);
    const type = (first & 0xc0) >> 6;
    if (type === RDB_ENCVAL) return { value: first & 0x3f, encoded: true };
    if (type === RDB_6BITLEN) return { value: first & 0x3f, encoded: false };
    if (type === RDB_14BITLEN) return { value: ((first & 0x3f) << 8) | this.byte(what), encoded: false };
    if (first === RDB_32BITLEN) {
      this.need(4, what);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { value: v, encoded: false };
    }
    if (first === RDB_64BITLEN) {
      return { value: this.u64BE(what), encoded: false };
    }
    throw this.error(`unknown length encoding 0x${first.toString(16)} in ${what}`, start);
  }

  /** A length that must be a plain count (not a string encoding), below 2^53. */
  len(what = 'a length'): number {
    const start = this.pos;
    const { value, encoded } = this.#lenOrEncoding(what);
    if (encoded) throw this.error(`string encoding where ${what} was expected`, start);
    if (typeof value === 'bigint') throw this.error(`${what} too large (${value})`, start);
    return value;
  }

  /** A count of elements that follow: each takes at least `minBytesEach` bytes, so a count beyond what is left is corrupt. */
  count(what: string, minBytesEach = 1): number {
    const start = this.pos;
    const n = this.len(what);
    if (n * minBytesEach > this.end - this.pos) throw this.error(`${what} ${n} larger than the data left`, start);
    return n;
  }

  /** A u64 length (stream ids, counters): number when safe, else bigint. */
  lenU64(what: string): number | bigint {
    const start = this.pos;
    const { value, encoded } = this.#lenOrEncoding(what);
    if (encoded) throw this.error(`string encoding where ${what} was expected`, start);
    return value;
  }

  /** rdbGenericLoadStringObject as a view on the bytes (LZF blobs are decompressed into a reused buffer). */
  stringView(what = 'a string'): ByteView {
    const start = this.pos;
    const { value, encoded } = this.#lenOrEncoding(what);
    if (!encoded) {
      if (typeof value === 'bigint') throw this.error(`${what} length too large`, start);
      return this.raw(value, what);
    }
    if (value === RDB_ENC_LZF) {
      const compressedLen = this.len(`${what} (compressed length)`);
      const plainLen = this.len(`${what} (uncompressed length)`);
      this.need(compressedLen, what);
      if (plainLen > 512 * 1024 * 1024 * 8) throw this.error(`${what} uncompressed length ${plainLen} too large`, start);
      if (blobScratch.length < plainLen) blobScratch = Buffer.allocUnsafe(Math.max(plainLen, blobScratch.length * 2));
      lzfDecompressInto(this.buf, this.pos, this.pos + compressedLen, blobScratch, 0, plainLen, this.baseOffset + this.pos);
      this.pos += compressedLen;
      return { buf: blobScratch, start: 0, end: plainLen };
    }
    const text = this.#encodedInteger(value as number, what, start);
    const bytes = Buffer.from(text, 'latin1');
    return { buf: bytes, start: 0, end: bytes.length };
  }

  #encodedInteger(kind: number, what: string, start: number): string {
    if (kind === RDB_ENC_INT8) {
      this.need(1, what);
      return String(this.buf.readInt8(this.pos++));
    }
    if (kind === RDB_ENC_INT16) {
      this.need(2, what);
      const v = this.buf.readInt16LE(this.pos);
      this.pos += 2;
      return String(v);
    }
    if (kind === RDB_ENC_INT32) {
      this.need(4, what);
      const v = this.buf.readInt32LE(this.pos);
      this.pos += 4;
      return String(v);
    }
    throw this.error(`unknown string encoding ${kind} in ${what}`, start);
  }

  /** A string as latin1 text (one char per byte). */
  string(what = 'a string'): string {
    const start = this.pos;
    const first = this.buf[this.pos];
    if (first !== undefined && first >> 6 === RDB_ENCVAL && (first & 0x3f) !== RDB_ENC_LZF) {
      this.pos++;
      return this.#encodedInteger(first & 0x3f, what, start);
    }
    const view = this.stringView(what);
    return view.buf.latin1Slice(view.start, view.end);
  }

  /** A string blob copied out (a blob view into the scratch buffer does not survive the next read). */
  blob(what: string): Buffer {
    const view = this.stringView(what);
    return Buffer.from(view.buf.subarray(view.start, view.end));
  }

  /** rdbLoadDoubleValue (old ZSET type 3): a length byte, then ASCII; 253 nan, 254 inf, 255 -inf. */
  asciiDouble(): number {
    const len = this.byte('a double');
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    const view = this.raw(len, 'a double');
    const value = Number(view.buf.latin1Slice(view.start, view.end));
    if (Number.isNaN(value)) throw this.error('unparsable double', view.start);
    return value;
  }
}
