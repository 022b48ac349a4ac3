import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamValue } from '../../keyspace/types/stream/stream.js';
import { RdbType } from './constants.js';
import { ListpackBuilder } from './listpack.js';
import { RdbFormatError } from './rdb-format-error.js';
import { RdbInput } from './rdb-input.js';
import { RdbOutput } from './rdb-output.js';
import { writeStreamBody } from './stream-encode.js';
import { sampleValues } from './test-values.js';
import { decodeValue } from './value-decode.js';
import { modelOfValue } from './value-model.js';

/**
 * Encodings Redis 7.0 still loads but no longer writes (RDB types 1, 3, 9, 10, 12, 13, 14, 15)
 * and the newer ones 7.2 writes (20, 21), built byte by byte from the format's description
 * (ziplist.c, zipmap.c, rdb.c).
 */

type ZiplistEntry = string | { int: number | bigint; as: 'imm' | 'i8' | 'i16' | 'i24' | 'i32' | 'i64' };

function ziplistEntryBody(entry: ZiplistEntry): Buffer {
  if (typeof entry === 'string') {
    const bytes = Buffer.from(entry, 'latin1');
    const n = bytes.length;
    if (n <= 63) return Buffer.concat([Buffer.from([n]), bytes]);
    if (n <= 16383) return Buffer.concat([Buffer.from([0x40 | (n >> 8), n & 0xff]), bytes]);
    const header = Buffer.alloc(5);
    header[0] = 0x80;
    header.writeUInt32BE(n, 1);
    return Buffer.concat([header, bytes]);
  }
  const v = entry.int;
  switch (entry.as) {
    case 'imm':
      return Buffer.from([0xf1 + Number(v)]);
    case 'i8':
      return Buffer.from([0xfe, Number(v) & 0xff]);
    case 'i16': {
      const b = Buffer.alloc(3);
      b[0] = 0xc0;
      b.writeInt16LE(Number(v), 1);
      return b;
    }
    case 'i24': {
      const b = Buffer.alloc(4);
      b[0] = 0xf0;
      b.writeIntLE(Number(v), 1, 3);
      return b;
    }
    case 'i32': {
      const b = Buffer.alloc(5);
      b[0] = 0xd0;
      b.writeInt32LE(Number(v), 1);
      return b;
    }
    case 'i64': {
      const b = Buffer.alloc(9);
      b[0] = 0xe0;
      b.writeBigInt64LE(BigInt(v), 1);
      return b;
    }
  }
}

function ziplist(entries: readonly ZiplistEntry[]): Buffer {
  const parts: Buffer[] = [];
  let previousLength = 0;
  let tail = 10;
  let offset = 10;
  for (const entry of entries) {
    const prevlen = previousLength < 254 ? Buffer.from([previousLength]) : Buffer.concat([Buffer.from([0xfe]), Buffer.from(new Uint32Array([previousLength]).buffer)]);
    const whole = Buffer.concat([prevlen, ziplistEntryBody(entry)]);
    parts.push(whole);
    tail = offset;
    offset += whole.length;
    previousLength = whole.length;
  }
  const header = Buffer.alloc(10);
  header.writeUInt32LE(offset + 1, 0);
  header.writeUInt32LE(tail, 4);
  header.writeUInt16LE(entries.length, 8);
  return Buffer.concat([header, ...parts, Buffer.from([0xff])]);
}

function zipmap(pairs: ReadonlyArray<readonly [string, string]>): Buffer {
  const parts: Buffer[] = [Buffer.from([pairs.length])];
  const len = (n: number): Buffer => (n < 254 ? Buffer.from([n]) : Buffer.concat([Buffer.from([254]), Buffer.from(new Uint32Array([n]).buffer)]));
  for (const [field, value] of pairs) {
    // One byte of free space after the value, as zipmap leaves after an update.
    parts.push(len(field.length), Buffer.from(field, 'latin1'), len(value.length), Buffer.from([1]), Buffer.from(value, 'latin1'), Buffer.from([0]));
  }
  parts.push(Buffer.from([255]));
  return Buffer.concat(parts);
}

function decode(type: number, write: (out: RdbOutput) => void): ReturnType<typeof modelOfValue> {
  const out = new RdbOutput(64);
  write(out);
  const bytes = out.take();
  const input = new RdbInput(Buffer.from(bytes));
  const value = decodeValue(type, input);
  assert.equal(input.pos, bytes.length, 'the whole value is consumed');
  return modelOfValue(value);
}

function blob(out: RdbOutput, bytes: Buffer): void {
  out.blob(bytes, 0, bytes.length, false);
}

const ZIPLIST_ITEMS: ZiplistEntry[] = [
  'a',
  'x'.repeat(300),
  { int: 7, as: 'imm' },
  { int: -100, as: 'i8' },
  { int: 30000, as: 'i16' },
  { int: -8000000, as: 'i24' },
  { int: 2000000000, as: 'i32' },
  { int: -9223372036854775808n, as: 'i64' },
  'y'.repeat(20000),
];
const ZIPLIST_TEXTS = ['a', 'x'.repeat(300), '7', '-100', '30000', '-8000000', '2000000000', '-9223372036854775808', 'y'.repeat(20000)];

test('type 1 (linked list) and 10 (ziplist): a quicklist with the elements', () => {
  assert.deepEqual(
    decode(RdbType.list, (out) => {
      out.len(3);
      for (const text of ['a', '12', 'c']) out.string(text, false);
    }),
    { type: 'list', encoding: 'quicklist', value: ['a', '12', 'c'] },
  );
  assert.deepEqual(decode(RdbType.listZiplist, (out) => blob(out, ziplist(ZIPLIST_ITEMS))).value, ZIPLIST_TEXTS);
});

test('type 14 (quicklist of ziplists): nodes in order, empty nodes skipped', () => {
  const model = decode(RdbType.listQuicklist, (out) => {
    out.len(3);
    blob(out, ziplist(['a', 'b']));
    blob(out, ziplist([]));
    blob(out, ziplist([{ int: 3, as: 'imm' }]));
  });
  assert.deepEqual(model.value, ['a', 'b', '3']);
});

test('type 3 (zset with ASCII scores, 254 = inf, 255 = -inf) and 12 (ziplist zset)', () => {
  const model = decode(RdbType.zset, (out) => {
    out.len(3);
    out.string('a', false);
    out.byte(3);
    out.latin1('1.5');
    out.string('b', false);
    out.byte(254);
    out.string('c', false);
    out.byte(255);
  });
  assert.deepEqual(model, { type: 'zset', encoding: 'listpack', value: [['c', '-inf'], ['a', '1.5'], ['b', 'inf']] });
  const zl = decode(RdbType.zsetZiplist, (out) => blob(out, ziplist(['m1', '2.25', 'm2', { int: 3, as: 'imm' }])));
  assert.deepEqual(zl, { type: 'zset', encoding: 'listpack', value: [['m1', '2.25'], ['m2', '3']] });
});

test('type 9 (zipmap) and 13 (ziplist hash); a long value makes a hashtable, as after a Redis load', () => {
  assert.deepEqual(decode(RdbType.hashZipmap, (out) => blob(out, zipmap([['f1', 'v1'], ['f2', 'v'.repeat(300)]]))), {
    type: 'hash',
    encoding: 'hashtable',
    value: [['f1', 'v1'], ['f2', 'v'.repeat(300)]],
  });
  assert.deepEqual(decode(RdbType.hashZiplist, (out) => blob(out, ziplist(['f', { int: 5, as: 'imm' }, 'g', 'h']))), {
    type: 'hash',
    encoding: 'listpack',
    value: [['f', '5'], ['g', 'h']],
  });
});

test('type 20 (Redis 7.2 set listpack): an intset or a hashtable as Redis 7.0 would hold it', () => {
  const build = (members: string[]) => (out: RdbOutput) => {
    const lp = new ListpackBuilder();
    for (const member of members) lp.addString(member);
    const view = lp.finish();
    out.blob(view.buf, view.start, view.end, false);
  };
  assert.deepEqual(decode(RdbType.setListpack, build(['3', '1', '2'])), { type: 'set', encoding: 'intset', value: ['1', '2', '3'] });
  assert.deepEqual(decode(RdbType.setListpack, build(['b', 'a'])), { type: 'set', encoding: 'hashtable', value: ['a', 'b'] });
});

test('streams v1 (type 15) and v3 (type 21) read like v2', () => {
  const stream = sampleValues().find(([name]) => name === 'stream:full')?.[1];
  assert.ok(stream instanceof StreamValue);
  const v2 = modelOfValue(stream);
  const v3 = decode(RdbType.streamListpacks3, (out) => writeStreamBody(stream, out, true, new ListpackBuilder(), 3));
  assert.deepEqual(v3, v2);
  const v1 = decode(RdbType.streamListpacks, (out) => writeStreamBody(stream, out, false, new ListpackBuilder(), 1));
  assert.deepEqual(v1.value, v2.value);
  const info = v1.stream as { 'entries-added': number; 'max-deleted-entry-id': string; groups: Array<{ 'entries-read': number | null }> };
  // What v1 does not store is derived as Redis 7.0 derives it.
  assert.equal(info['entries-added'], stream.length);
  assert.equal(info['max-deleted-entry-id'], '0-0');
  assert.deepEqual(
    info.groups.map((group) => group['entries-read']),
    [null, stream.length],
  );
});

test('module types (6, 7) fail with the module type name; unknown types fail', () => {
  // Module id: 9 chars of 6 bits ("mymodtype" style name) << 10 | encoding version.
  const charset = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let id = 0n;
  for (const c of 'ReJSON-RL') id = (id << 6n) | BigInt(charset.indexOf(c));
  id = (id << 10n) | 3n;
  assert.throws(
    () => decode(RdbType.moduleV2, (out) => out.len(id)),
    (error: unknown) => error instanceof RdbFormatError && /module type 'ReJSON-RL' not supported/.test(error.message),
  );
  assert.throws(() => decode(99, () => undefined), /unknown RDB object type 99/);
});

test('a listpack hash or sorted set with long elements stays a listpack after loading, as in Redis 7.0 (count checked only)', () => {
  const long = 'v'.repeat(100);
  const build = (texts: string[]) => (out: RdbOutput) => {
    const lp = new ListpackBuilder();
    for (const text of texts) lp.addString(text);
    const view = lp.finish();
    out.blob(view.buf, view.start, view.end, false);
  };
  assert.equal(decode(RdbType.hashListpack, build(['f', long])).encoding, 'listpack');
  assert.equal(decode(RdbType.zsetListpack, build([long, '1'])).encoding, 'listpack');
  // The other encodings check lengths: a zipmap, a HASH, a ZSET_2 with the same element convert.
  assert.equal(decode(RdbType.hashZipmap, (out) => blob(out, zipmap([['f', long]]))).encoding, 'hashtable');
  assert.equal(
    decode(RdbType.zset2, (out) => {
      out.len(1);
      out.string(long, false);
      out.doubleLE(1);
    }).encoding,
    'skiplist',
  );
});
