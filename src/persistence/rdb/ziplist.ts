import type { ByteView } from './rdb-input.js';
import { RdbFormatError } from './rdb-format-error.js';

/**
 * Older encodings Redis still loads (and never writes since 7.0): ziplist, zipmap, plus the
 * intset, which 7.0 still writes. Readers only, except the intset.
 */

const ZIPLIST_HEADER_BYTES = 10;
const ZIP_END = 0xff;

/** The elements of a ziplist (RDB types 10, 12, 13 and quicklist v1 nodes). */
export function readZiplist(view: ByteView, fileOffset: number): string[] {
  const { buf, start, end } = view;
  const fail = (reason: string, at: number): RdbFormatError => new RdbFormatError(`ziplist: ${reason}`, fileOffset + (at - start));
  if (end - start < ZIPLIST_HEADER_BYTES + 1) throw fail('shorter than its header', start);
  const total = buf.readUInt32LE(start);
  if (total !== end - start) throw fail(`header says ${total} bytes, blob has ${end - start}`, start);
  const declared = buf.readUInt16LE(start + 8);
  if (buf[end - 1] !== ZIP_END) throw fail('no end byte', end - 1);
  const out: string[] = [];
  let p = start + ZIPLIST_HEADER_BYTES;
  const last = end - 1;
  while (p < last) {
    // prevlen: one byte, or 0xFE and four bytes.
    p += buf[p] === 0xfe ? 5 : 1;
    if (p >= last) throw fail('entry header runs past the end', p);
    const enc = buf[p] as number;
    const kind = enc >> 6;
    if (kind === 0) {
      const n = enc & 0x3f;
      if (p + 1 + n > last) throw fail('string runs past the end', p);
      out.push(buf.latin1Slice(p + 1, p + 1 + n));
      p += 1 + n;
    } else if (kind === 1) {
      if (p + 2 > last) throw fail('string header runs past the end', p);
      const n = ((enc & 0x3f) << 8) | (buf[p + 1] as number);
      if (p + 2 + n > last) throw fail('string runs past the end', p);
      out.push(buf.latin1Slice(p + 2, p + 2 + n));
      p += 2 + n;
    } else if (kind === 2) {
      if (p + 5 > last) throw fail('string header runs past the end', p);
      const n = buf.readUInt32BE(p + 1);
      if (p + 5 + n > last) throw fail('string runs past the end', p);
      out.push(buf.latin1Slice(p + 5, p + 5 + n));
      p += 5 + n;
    } else {
      let size: number;
      let value: string;
      switch (enc) {
        case 0xc0:
          size = 2;
          value = p + 3 <= last ? String(buf.readInt16LE(p + 1)) : '';
          break;
        case 0xd0:
          size = 4;
          value = p + 5 <= last ? String(buf.readInt32LE(p + 1)) : '';
          break;
        case 0xe0:
          size = 8;
          value = p + 9 <= last ? buf.readBigInt64LE(p + 1).toString() : '';
          break;
        case 0xf0:
          size = 3;
          value = p + 4 <= last ? String(buf.readIntLE(p + 1, 3)) : '';
          break;
        case 0xfe:
          size = 1;
          value = p + 2 <= last ? String(buf.readInt8(p + 1)) : '';
          break;
        default:
          if (enc >= 0xf1 && enc <= 0xfd) {
            size = 0;
            value = String((enc & 0x0f) - 1);
          } else {
            throw fail(`bad encoding byte 0x${enc.toString(16)}`, p);
          }
      }
      if (p + 1 + size > last) throw fail('integer runs past the end', p);
      out.push(value);
      p += 1 + size;
    }
  }
  if (p !== last) throw fail('entries run past the end', p);
  if (declared !== 65535 && declared !== out.length) throw fail(`header says ${declared} entries, found ${out.length}`, start + 8);
  return out;
}

/** A zipmap's pairs, flat: field, value, ... (RDB type 9, Redis 2.x hashes). */
export function readZipmap(view: ByteView, fileOffset: number): string[] {
  const { buf, start, end } = view;
  const fail = (reason: string, at: number): RdbFormatError => new RdbFormatError(`zipmap: ${reason}`, fileOffset + (at - start));
  const out: string[] = [];
  let p = start + 1;
  const readLen = (): number => {
    if (p >= end) throw fail('runs past the end', p);
    const b = buf[p] as number;
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      if (p + 5 > end) throw fail('length runs past the end', p);
      const n = buf.readUInt32LE(p + 1);
      p += 5;
      return n;
    }
    throw fail('unexpected end marker', p);
  };
  for (;;) {
    if (p >= end) throw fail('no end byte', p);
    if (buf[p] === 255) break;
    const fieldLen = readLen();
    if (p + fieldLen > end) throw fail('field runs past the end', p);
    const field = buf.latin1Slice(p, p + fieldLen);
    p += fieldLen;
    const valueLen = readLen();
    if (p >= end) throw fail('runs past the end', p);
    const free = buf[p++] as number;
    if (p + valueLen + free > end) throw fail('value runs past the end', p);
    out.push(field, buf.latin1Slice(p, p + valueLen));
    p += valueLen + free;
  }
  return out;
}

/** An intset's members in order, as decimal text. */
export function readIntset(view: ByteView, fileOffset: number): string[] {
  const { buf, start, end } = view;
  const fail = (reason: string, at: number): RdbFormatError => new RdbFormatError(`intset: ${reason}`, fileOffset + (at - start));
  if (end - start < 8) throw fail('shorter than its header', start);
  const width = buf.readUInt32LE(start);
  const count = buf.readUInt32LE(start + 4);
  if (width !== 2 && width !== 4 && width !== 8) throw fail(`bad encoding ${width}`, start);
  if (8 + count * width !== end - start) throw fail(`${count} members of ${width} bytes do not fill ${end - start} bytes`, start);
  const out = new Array<string>(count);
  let p = start + 8;
  for (let i = 0; i < count; i++, p += width) {
    out[i] = width === 2 ? String(buf.readInt16LE(p)) : width === 4 ? String(buf.readInt32LE(p)) : buf.readBigInt64LE(p).toString();
  }
  for (let i = 1; i < count; i++) {
    if (compareIntText(out[i - 1] as string, out[i] as string) >= 0) throw fail('members not in ascending order', start + 8 + i * width);
  }
  return out;
}

function compareIntText(a: string, b: string): number {
  if (a.length <= 15 && b.length <= 15) return Number(a) - Number(b);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

let intsetScratch: Buffer = Buffer.allocUnsafe(4096);

/** Encodes sorted integer members as an intset of the smallest width that holds them all. */
export function writeIntset(members: readonly string[]): ByteView {
  let width = 2;
  const values: Array<number | bigint> = new Array<number | bigint>(members.length);
  for (let i = 0; i < members.length; i++) {
    const text = members[i] as string;
    const v: number | bigint = text.length <= 15 ? Number(text) : BigInt(text);
    values[i] = v;
    if (v < -2147483648 || v > 2147483647) width = 8;
    else if (width === 2 && (v < -32768 || v > 32767)) width = 4;
  }
  const bytes = 8 + width * members.length;
  if (intsetScratch.length < bytes) intsetScratch = Buffer.allocUnsafe(Math.max(bytes, intsetScratch.length * 2));
  const buf = intsetScratch;
  buf.writeUInt32LE(width, 0);
  buf.writeUInt32LE(members.length, 4);
  let p = 8;
  for (const v of values) {
    if (width === 2) buf.writeInt16LE(Number(v), p);
    else if (width === 4) buf.writeInt32LE(Number(v), p);
    else buf.writeBigInt64LE(BigInt(v), p);
    p += width;
  }
  return { buf, start: 0, end: bytes };
}
