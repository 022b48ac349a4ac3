import { parseCanonicalInteger } from '../../keyspace/stored-value.js';
import type { ByteView } from './rdb-input.js';
import { RdbFormatError } from './rdb-format-error.js';
import { canonicalSmallInt } from './rdb-output.js';

/**
 * Redis's listpack (listpack.c) as bytes: a 6-byte header (total bytes u32 LE, element count
 * u16 LE, 65535 when unknown), the elements, then 0xFF. Each element is an encoding byte and
 * data, then its own length backwards ("backlen"), so the list can be walked from both ends.
 * Strings that are canonical int64s are stored as integers, as lpAppend does.
 */

const HEADER_BYTES = 6;
const EOF_BYTE = 0xff;
const COUNT_UNKNOWN = 65535;

/**
 * Builds one listpack in a reused buffer. `bytes` is what the listpack would be, so a caller
 * can split at Redis's size limits before finishing it.
 */
export class ListpackBuilder {
  #buf: Buffer = Buffer.allocUnsafe(8192);
  #pos = HEADER_BYTES;
  #count = 0;

  reset(): void {
    this.#pos = HEADER_BYTES;
    this.#count = 0;
  }

  get count(): number {
    return this.#count;
  }

  /** The listpack's size once finished (with the end byte). */
  get bytes(): number {
    return this.#pos + 1;
  }

  #reserve(n: number): void {
    if (this.#pos + n + 1 <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#pos + n + 1, this.#buf.length * 2));
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  #backlen(l: number): void {
    const buf = this.#buf;
    if (l <= 127) {
      buf[this.#pos++] = l;
    } else if (l < 16383) {
      buf[this.#pos++] = l >>> 7;
      buf[this.#pos++] = (l & 127) | 128;
    } else if (l < 2097151) {
      buf[this.#pos++] = l >>> 14;
      buf[this.#pos++] = ((l >>> 7) & 127) | 128;
      buf[this.#pos++] = (l & 127) | 128;
    } else if (l < 268435455) {
      buf[this.#pos++] = l >>> 21;
      buf[this.#pos++] = ((l >>> 14) & 127) | 128;
      buf[this.#pos++] = ((l >>> 7) & 127) | 128;
      buf[this.#pos++] = (l & 127) | 128;
    } else {
      buf[this.#pos++] = Math.floor(l / 2 ** 28);
      buf[this.#pos++] = ((l >>> 21) & 127) | 128;
      buf[this.#pos++] = ((l >>> 14) & 127) | 128;
      buf[this.#pos++] = ((l >>> 7) & 127) | 128;
      buf[this.#pos++] = (l & 127) | 128;
    }
  }

  /** An integer element (lpEncodeIntegerGetType picks the smallest form). */
  addInt(value: number | bigint): void {
    this.#reserve(14);
    const buf = this.#buf;
    const p = this.#pos;
    let len: number;
    if (typeof value === 'bigint' && value >= -9007199254740991n && value <= 9007199254740991n) value = Number(value);
    if (typeof value === 'bigint') {
      buf[p] = 0xf4;
      buf.writeBigInt64LE(value, p + 1);
      len = 9;
    } else if (value >= 0 && value <= 127) {
      buf[p] = value;
      len = 1;
    } else if (value >= -4096 && value <= 4095) {
      const u = value < 0 ? (1 << 13) + value : value;
      buf[p] = 0xc0 | (u >>> 8);
      buf[p + 1] = u & 0xff;
      len = 2;
    } else if (value >= -32768 && value <= 32767) {
      buf[p] = 0xf1;
      buf.writeInt16LE(value, p + 1);
      len = 3;
    } else if (value >= -8388608 && value <= 8388607) {
      buf[p] = 0xf2;
      buf.writeIntLE(value, p + 1, 3);
      len = 4;
    } else if (value >= -2147483648 && value <= 2147483647) {
      buf[p] = 0xf3;
      buf.writeInt32LE(value, p + 1);
      len = 5;
    } else {
      buf[p] = 0xf4;
      buf.writeBigInt64LE(BigInt(value), p + 1);
      len = 9;
    }
    this.#pos = p + len;
    this.#backlen(len);
    this.#count++;
  }

  /** A string element; canonical integers become integer elements, as in Redis. */
  addString(text: string): void {
    const n = text.length;
    if (n > 0 && n <= 20) {
      const last = text.charCodeAt(n - 1);
      if (last >= 48 && last <= 57) {
        const first = text.charCodeAt(0);
        if ((first >= 48 && first <= 57) || first === 45) {
          if (n <= 15) {
            const asNumber = canonicalSmallInt(text);
            if (asNumber !== null) {
              this.addInt(asNumber);
              return;
            }
          } else {
            const asInteger = parseCanonicalInteger(text);
            if (asInteger !== null) {
              this.addInt(asInteger);
              return;
            }
          }
        }
      }
    }
    this.#addStringBytes(text, 0, n);
  }

  /**
   * The element text[start, end) (a range of a packed in-memory string): like
   * addString(text.slice(start, end)) without the temporary string, except for the rare range
   * that may be a canonical integer.
   */
  addLatin1Range(text: string, start: number, end: number): void {
    const n = end - start;
    if (n > 0 && n <= 20) {
      const last = text.charCodeAt(end - 1);
      const first = text.charCodeAt(start);
      if (last >= 48 && last <= 57 && ((first >= 48 && first <= 57) || first === 45)) {
        this.addString(text.slice(start, end));
        return;
      }
    }
    this.#addStringBytes(text, start, n);
  }

  /** A string element of n chars from text at start (no integer check). */
  #addStringBytes(text: string, start: number, n: number): void {
    this.#reserve(n + 10);
    const buf = this.#buf;
    let header: number;
    if (n < 64) {
      buf[this.#pos] = 0x80 | n;
      header = 1;
    } else if (n < 4096) {
      buf[this.#pos] = 0xe0 | (n >>> 8);
      buf[this.#pos + 1] = n & 0xff;
      header = 2;
    } else {
      buf[this.#pos] = 0xf0;
      buf.writeUInt32LE(n, this.#pos + 1);
      header = 5;
    }
    this.#pos += header;
    if (start === 0 && n === text.length) {
      this.#pos += buf.latin1Write(text, this.#pos);
    } else if (n < 64) {
      // A JS loop beats a native call (and a substring) for short ranges.
      const at = this.#pos;
      for (let i = 0; i < n; i++) buf[at + i] = text.charCodeAt(start + i);
      this.#pos += n;
    } else {
      this.#pos += buf.latin1Write(text.slice(start, start + n), this.#pos);
    }
    this.#backlen(header + n);
    this.#count++;
  }

  /** Writes the header and end byte; the view is valid until the next reset(). */
  finish(): ByteView {
    const buf = this.#buf;
    buf[this.#pos] = EOF_BYTE;
    const total = this.#pos + 1;
    buf.writeUInt32LE(total, 0);
    buf.writeUInt16LE(this.#count < COUNT_UNKNOWN ? this.#count : COUNT_UNKNOWN, 4);
    return { buf, start: 0, end: total };
  }
}

/**
 * The elements of a listpack as latin1 strings (integers in decimal). `fileOffset` is where the
 * blob's bytes sit in the file (for errors; blobs decompressed from LZF point at the string).
 */
export function readListpack(view: ByteView, fileOffset: number): string[] {
  const { buf, start, end } = view;
  const fail = (reason: string, at: number): RdbFormatError => new RdbFormatError(`listpack: ${reason}`, fileOffset + (at - start));
  if (end - start < HEADER_BYTES + 1) throw fail('shorter than its header', start);
  const total = buf.readUInt32LE(start);
  if (total !== end - start) throw fail(`header says ${total} bytes, blob has ${end - start}`, start);
  const declared = buf.readUInt16LE(start + 4);
  if (buf[end - 1] !== EOF_BYTE) throw fail('no end byte', end - 1);
  const out: string[] = [];
  let p = start + HEADER_BYTES;
  const last = end - 1;
  while (p < last) {
    const b = buf[p] as number;
    let entryLen: number;
    if (b < 0x80) {
      out.push(String(b));
      entryLen = 1;
    } else if (b < 0xc0) {
      const n = b & 0x3f;
      if (p + 1 + n > last) throw fail('string runs past the end', p);
      out.push(buf.latin1Slice(p + 1, p + 1 + n));
      entryLen = 1 + n;
    } else if (b < 0xe0) {
      if (p + 2 > last) throw fail('integer runs past the end', p);
      const u = ((b & 0x1f) << 8) | (buf[p + 1] as number);
      out.push(String(u >= 1 << 12 ? u - (1 << 13) : u));
      entryLen = 2;
    } else if (b < 0xf0) {
      if (p + 2 > last) throw fail('string header runs past the end', p);
      const n = ((b & 0x0f) << 8) | (buf[p + 1] as number);
      if (p + 2 + n > last) throw fail('string runs past the end', p);
      out.push(buf.latin1Slice(p + 2, p + 2 + n));
      entryLen = 2 + n;
    } else {
      switch (b) {
        case 0xf0: {
          if (p + 5 > last) throw fail('string header runs past the end', p);
          const n = buf.readUInt32LE(p + 1);
          if (p + 5 + n > last) throw fail('string runs past the end', p);
          out.push(buf.latin1Slice(p + 5, p + 5 + n));
          entryLen = 5 + n;
          break;
        }
        case 0xf1:
          if (p + 3 > last) throw fail('integer runs past the end', p);
          out.push(String(buf.readInt16LE(p + 1)));
          entryLen = 3;
          break;
        case 0xf2:
          if (p + 4 > last) throw fail('integer runs past the end', p);
          out.push(String(buf.readIntLE(p + 1, 3)));
          entryLen = 4;
          break;
        case 0xf3:
          if (p + 5 > last) throw fail('integer runs past the end', p);
          out.push(String(buf.readInt32LE(p + 1)));
          entryLen = 5;
          break;
        case 0xf4:
          if (p + 9 > last) throw fail('integer runs past the end', p);
          out.push(buf.readBigInt64LE(p + 1).toString());
          entryLen = 9;
          break;
        default:
          throw fail(`bad encoding byte 0x${b.toString(16)}`, p);
      }
    }
    const backlen = entryLen <= 127 ? 1 : entryLen < 16383 ? 2 : entryLen < 2097151 ? 3 : entryLen < 268435455 ? 4 : 5;
    p += entryLen + backlen;
    if (p > last) throw fail('element runs past the end', p);
  }
  if (declared !== COUNT_UNKNOWN && declared !== out.length) throw fail(`header says ${declared} elements, found ${out.length}`, start + 4);
  return out;
}
