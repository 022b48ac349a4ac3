import { HashValue } from '../../keyspace/types/hash/hash-value.js';
import type { Chunk } from '../../keyspace/types/list/chunk.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import { SetValue } from '../../keyspace/types/set/set-value.js';
import { listpackStringBytes } from '../../keyspace/types/stream/listpack-size.js';
import { StreamValue } from '../../keyspace/types/stream/stream.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import { RawString, type StoredValue } from '../../keyspace/stored-value.js';
import { formatDouble17g } from '../../resp/format-double.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbType } from './constants.js';
import { ListpackBuilder } from './listpack.js';
import { RdbOutput } from './rdb-output.js';
import { writeStreamBody } from './stream-encode.js';
import { writeIntset } from './ziplist.js';

export { RdbOutput };

export interface EncodeOptions {
  /** rdbcompression: LZF for strings and blobs over 20 bytes. */
  readonly compress: boolean;
  /** list-max-listpack-size (default -2: 8 KB nodes), to split quicklist nodes where Redis would. */
  readonly listMaxListpackSize?: number;
  /** list-compress-depth (default 0): inner quicklist nodes go out LZF-compressed, as Redis keeps them. */
  readonly listCompressDepth?: number;
}

/** One builder for every listpack written (a value's listpack is finished before the next starts). */
const builder = new ListpackBuilder();

/** The RDB object type byte Redis 7.0 writes for this value. */
export function rdbTypeOf(value: StoredValue): number {
  if (typeof value === 'string' || value instanceof RawString) return RdbType.string;
  if (value instanceof ListValue) return RdbType.listQuicklist2;
  if (value instanceof SetValue) return value.encoding() === 'intset' ? RdbType.setIntset : RdbType.set;
  if (value instanceof SortedSet) return value.isListpack ? RdbType.zsetListpack : RdbType.zset2;
  if (value instanceof HashValue) return value.encoding() === 'listpack' ? RdbType.hashListpack : RdbType.hash;
  if (value instanceof StreamValue) return RdbType.streamListpacks2;
  throw new Error(`no RDB encoding for a ${value.type} value`);
}

/** The value's body (after the type byte and, in a file, the key). */
export function encodeValueBody(value: StoredValue, out: RdbOutput, options: EncodeOptions): void {
  const compress = options.compress;
  if (typeof value === 'string') {
    out.string(value, compress);
  } else if (value instanceof RawString) {
    // Longer than 11 bytes it cannot take an integer form: its bytes go out without a copy.
    if (value.length <= 11) out.string(value.toString(), compress);
    else out.blob(value.bytes, 0, value.length, compress);
  } else if (value instanceof ListValue) {
    writeQuicklist(value, out, compress, options.listMaxListpackSize ?? -2, options.listCompressDepth ?? 0);
  } else if (value instanceof SetValue) {
    const packed = value.smallPacked;
    if (packed !== undefined) {
      out.len(value.size);
      writePackedMembers(packed, value.size, out, compress);
      return;
    }
    const members = value.members;
    if (value.encoding() === 'intset') {
      const blob = writeIntset(members);
      out.blob(blob.buf, blob.start, blob.end, compress);
    } else {
      out.len(members.length);
      for (const member of members) out.string(member, compress);
    }
  } else if (value instanceof SortedSet) {
    writeZset(value, out, compress);
  } else if (value instanceof HashValue) {
    const packed = value.packedListpack;
    if (packed !== undefined) {
      builder.reset();
      addPackedEntries(packed, value.size * 2);
      const blob = builder.finish();
      out.blob(blob.buf, blob.start, blob.end, compress);
    } else {
      out.len(value.size);
      value.forEach((field, v) => {
        out.string(field, compress);
        out.string(v, compress);
      });
    }
  } else if (value instanceof StreamValue) {
    writeStreamBody(value, out, compress, builder);
  } else {
    throw new Error(`no RDB encoding for a ${value.type} value`);
  }
}

/** One value as Redis 7.0 writes it: type byte, then the body (a DUMP payload's start). */
export function encodeValue(value: StoredValue, out: RdbOutput, options: EncodeOptions): void {
  out.byte(rdbTypeOf(value));
  encodeValueBody(value, out, options);
}

/** quicklist.c: elements this large get a PLAIN node of their own (packed_threshold, 1 GB). */
const PACKED_THRESHOLD_BYTES = 1 << 30;
/** quicklist.c's optimization_level for list-max-listpack-size -1..-5, and its SIZE_SAFETY_LIMIT. */
const OPTIMIZATION_LEVEL_BYTES = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT_BYTES = 8192;
const SIZE_ESTIMATE_OVERHEAD_BYTES = 8;
const EMPTY_LISTPACK_BYTES = 7;
/** quicklist.h FILL_MAX: the largest positive list-max-listpack-size (16-bit signed field). */
const FILL_MAX = (1 << 15) - 1;

/** _quicklistNodeAllowInsert: can a node of `nodeBytes`/`nodeCount` take an element of `elementBytes`? */
function nodeAllowsInsert(nodeBytes: number, nodeCount: number, elementBytes: number, fill: number): boolean {
  if (elementBytes >= PACKED_THRESHOLD_BYTES) return false;
  const newBytes = nodeBytes + elementBytes + SIZE_ESTIMATE_OVERHEAD_BYTES;
  if (fill < 0) {
    const limit = OPTIMIZATION_LEVEL_BYTES[-fill - 1];
    if (limit !== undefined && newBytes <= limit) return true;
  }
  if (newBytes > SIZE_SAFETY_LIMIT_BYTES) return false;
  return nodeCount < fill;
}

/**
 * QUICKLIST_2: the nodes Redis would have built by pushing the elements in order (each node
 * filled until _quicklistNodeAllowInsert refuses), each a listpack blob, so a list built with
 * RPUSH dumps byte for byte as Redis dumps it.
 */
function writeQuicklist(list: ListValue, out: RdbOutput, compress: boolean, configuredFill: number, compressDepth: number): void {
  // quicklistSetFill: the directive is clamped to -5..32767.
  const fill = Math.min(Math.max(configuredFill, -5), FILL_MAX);
  const chunk = list.solePackedChunk;
  if (chunk !== undefined) {
    writePackedChunkQuicklist(chunk, out, compress, fill, compressDepth);
    return;
  }
  const elements = list.toArray();
  // First pass: node boundaries (the count is written before the nodes).
  const nodeEnds: number[] = [];
  let nodeBytes = 0;
  let nodeCount = 0;
  let plainNode = false;
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i] as string;
    const size = element.length;
    if (nodeCount > 0 && !plainNode && nodeAllowsInsert(nodeBytes, nodeCount, size, fill)) {
      nodeBytes += listpackStringBytes(element);
      nodeCount++;
      continue;
    }
    if (nodeCount > 0) nodeEnds.push(i);
    plainNode = size >= PACKED_THRESHOLD_BYTES;
    nodeBytes = EMPTY_LISTPACK_BYTES + listpackStringBytes(element);
    nodeCount = 1;
  }
  if (nodeCount > 0) nodeEnds.push(elements.length);
  out.len(nodeEnds.length);
  let start = 0;
  for (let node = 0; node < nodeEnds.length; node++) {
    const end = nodeEnds[node] as number;
    const first = elements[start] as string;
    const inner = compressedInMemory(node, nodeEnds.length, compressDepth);
    if (end - start === 1 && first.length >= PACKED_THRESHOLD_BYTES) {
      out.len(QUICKLIST_NODE_PLAIN);
      const bytes = inner ? Buffer.from(first, 'latin1') : undefined;
      if (bytes === undefined || !out.compressedNode(bytes, 0, bytes.length)) out.string(first, compress);
    } else {
      out.len(QUICKLIST_NODE_PACKED);
      builder.reset();
      for (let i = start; i < end; i++) builder.addString(elements[i] as string);
      const blob = builder.finish();
      writeNodeBlob(out, blob, compress, inner);
    }
    start = end;
  }
}

/**
 * quicklist.c's __quicklistCompress: with list-compress-depth d, every node but the d first and
 * the d last is kept LZF-compressed (when that shrinks it), and rdbSaveObject writes it so.
 */
function compressedInMemory(node: number, nodeCount: number, depth: number): boolean {
  return depth > 0 && node >= depth && node < nodeCount - depth;
}

function writeNodeBlob(out: RdbOutput, blob: { buf: Uint8Array; start: number; end: number }, compress: boolean, inner: boolean): void {
  if (inner && out.compressedNode(blob.buf, blob.start, blob.end)) return;
  out.blob(blob.buf, blob.start, blob.end, compress);
}

/** ZSET_LISTPACK (member, score as d2string text) or ZSET_2 (greatest first, binary doubles). */
function writeZset(zset: SortedSet, out: RdbOutput, compress: boolean): void {
  const packed = zset.packedText;
  if (packed !== undefined) {
    builder.reset();
    addPackedZset(packed);
    const blob = builder.finish();
    out.blob(blob.buf, blob.start, blob.end, compress);
    return;
  }
  out.len(zset.size);
  zset.walk(zset.size - 1, zset.size, true, (member, score) => {
    out.string(member, compress);
    out.doubleLE(score);
  });
}

/**
 * The entries of a packed hash (packed-pairs.ts: a 7-bit length prefix, low bits first, then the
 * bytes) added to the builder in place: no string per field and value (a BGSAVE walks millions).
 */
function addPackedEntries(packed: string, count: number): void {
  let pos = 0;
  for (let i = 0; i < count; i++) {
    let c = packed.charCodeAt(pos++);
    let length = c & 0x7f;
    for (let shift = 7; c >= 0x80; shift += 7) {
      c = packed.charCodeAt(pos++);
      length += (c & 0x7f) * 2 ** shift;
    }
    builder.addLatin1Range(packed, pos, pos + length);
    pos += length;
  }
}

const scoreView = new Float64Array(1);
const scoreBytes = new Uint8Array(scoreView.buffer);

/**
 * A listpack sorted set's packed text (packed-list.ts: member length in one char below 255, else
 * 255 and four big-endian chars; the member; the score's eight bytes) added in place. A score
 * that is a safe integer goes in as the integer its %.17g text would be parsed back to.
 */
function addPackedZset(packed: string): void {
  let pos = 0;
  while (pos < packed.length) {
    let length = packed.charCodeAt(pos++);
    if (length === 255) {
      length = packed.charCodeAt(pos) * 0x1000000 + ((packed.charCodeAt(pos + 1) << 16) | (packed.charCodeAt(pos + 2) << 8) | packed.charCodeAt(pos + 3));
      pos += 4;
    }
    builder.addLatin1Range(packed, pos, pos + length);
    pos += length;
    for (let i = 0; i < 8; i++) scoreBytes[i] = packed.charCodeAt(pos + i);
    pos += 8;
    const score = scoreView[0] as number;
    if (Number.isSafeInteger(score) && !Object.is(score, -0)) builder.addInt(score);
    else builder.addString(formatDouble17g(score));
  }
}

/** The members of a small packed set (after its marker char: packed-pairs.ts entries) as RDB strings, in place. */
function writePackedMembers(packed: string, count: number, out: RdbOutput, compress: boolean): void {
  let pos = 1;
  for (let i = 0; i < count; i++) {
    let c = packed.charCodeAt(pos++);
    let length = c & 0x7f;
    for (let shift = 7; c >= 0x80; shift += 7) {
      c = packed.charCodeAt(pos++);
      length += (c & 0x7f) * 2 ** shift;
    }
    out.stringRange(packed, pos, pos + length, compress);
    pos += length;
  }
}

/** listpackStringBytes of text[start, end) without the substring, unless it may be an integer. */
function rangeListpackBytes(text: string, start: number, end: number): number {
  const length = end - start;
  if (length > 0 && length <= 20) {
    const last = text.charCodeAt(end - 1);
    if (last >= 48 && last <= 57) return listpackStringBytes(text.slice(start, end));
  }
  const header = length < 64 ? 1 : length < 4096 ? 2 : 5;
  const encoded = header + length;
  return encoded + (encoded <= 127 ? 1 : encoded < 16383 ? 2 : encoded < 2097151 ? 3 : 4);
}

/**
 * writeQuicklist for a list of one packed chunk (chunk.ts: 2-byte offsets, then the bytes; every
 * small list after a load or settle()): the same node boundaries, elements read in place.
 */
function writePackedChunkQuicklist(chunk: Chunk, out: RdbOutput, compress: boolean, fill: number, compressDepth: number): void {
  const packed = chunk.packed;
  const base = chunk.base;
  const count = chunk.tail - chunk.head;
  const startOf = (i: number): number => {
    const k = chunk.head + i;
    return base + (packed.charCodeAt(2 * k) | (packed.charCodeAt(2 * k + 1) << 8));
  };
  const nodeEnds: number[] = [];
  let nodeBytes = 0;
  let nodeCount = 0;
  for (let i = 0; i < count; i++) {
    const start = startOf(i);
    const end = startOf(i + 1);
    if (nodeCount > 0 && nodeAllowsInsert(nodeBytes, nodeCount, end - start, fill)) {
      nodeBytes += rangeListpackBytes(packed, start, end);
      nodeCount++;
      continue;
    }
    if (nodeCount > 0) nodeEnds.push(i);
    nodeBytes = EMPTY_LISTPACK_BYTES + rangeListpackBytes(packed, start, end);
    nodeCount = 1;
  }
  if (nodeCount > 0) nodeEnds.push(count);
  out.len(nodeEnds.length);
  let first = 0;
  for (let node = 0; node < nodeEnds.length; node++) {
    const nodeEnd = nodeEnds[node] as number;
    out.len(QUICKLIST_NODE_PACKED);
    builder.reset();
    for (let i = first; i < nodeEnd; i++) builder.addLatin1Range(packed, startOf(i), startOf(i + 1));
    writeNodeBlob(out, builder.finish(), compress, compressedInMemory(node, nodeEnds.length, compressDepth));
    first = nodeEnd;
  }
}
