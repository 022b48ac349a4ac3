import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredValue } from '../../keyspace/stored-value.js';
import { HashValue } from '../../keyspace/types/hash/hash-value.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import { SetValue } from '../../keyspace/types/set/set-value.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import { decodeDumpPayload, encodeDumpPayload } from './dump-payload.js';
import { hashOf, listOf, setOf, zsetOf } from './test-values.js';
import { decodeValue, RdbInput } from './value-decode.js';
import { modelOfValue } from './value-model.js';
import { readListpack } from './listpack.js';
import { RdbOutput } from './rdb-output.js';
import { encodeValueBody } from './value-encode.js';
import { formatDouble17g } from '../../resp/format-double.js';

const HASH_LIMITS = { maxListpackEntries: 128, maxListpackValueBytes: 64 };
const ZSET_LIMITS = { maxListpackEntries: 128, maxListpackValueBytes: 64 };

/** Values built by commands whose RDB form takes a load fast path (direct-pack.ts), or just misses it. */
function cases(): Array<[string, StoredValue]> {
  const long = 'x'.repeat(300);
  const many = Array.from({ length: 128 }, (_, i) => `m${i}`);
  return [
    ['hash small', hashOf([['f1', 'v1'], ['f2', 'v2'], ['f3', 'v3']])],
    ['hash ints', hashOf([['1', '-5'], ['-4096', '4095'], ['70000', '-2147483648'], ['big', '9007199254740993'], ['', '']])],
    ['hash long value', hashOf([['a', long], ['b', 'x']])],
    ['set small', setOf(['v1', 'v2', 'v3', '7', ''])],
    ['set starts with an integer', setOf(['7', 'a', 'b'])],
    ['set 128 members', setOf(many)],
    ['set 129 members', setOf([...many, 'extra'])],
    ['set member of 64 bytes', setOf(['a', 'y'.repeat(64)])],
    ['set member of 65 bytes', setOf(['a', 'y'.repeat(65)])],
    ['zset small', zsetOf([['a', 1], ['b', 2], ['c', 2], ['d', -0], ['e', 1.5], ['f', -1e300]])],
    ['zset integer members', zsetOf([['10', 3], ['-7', 3], ['1000000', 0.25]])],
    ['zset infinities', zsetOf([['a', -Infinity], ['b', Infinity]])],
    ['list small', listOf(['a', 'b', '12', '-9999', '', long])],
    ['list 128', listOf(many)],
    ['list 129', listOf([...many, 'extra'])],
    ['list near 8 KB', listOf(Array.from({ length: 40 }, (_, i) => `${i}`.padEnd(205, 'z')))],
  ];
}

for (const compress of [true, false]) {
  test(`load fast paths give the value the general path gives (compress ${compress})`, () => {
    for (const [name, value] of cases()) {
      const payload = encodeDumpPayload(value, { compress });
      const decoded = decodeDumpPayload(payload);
      assert.deepEqual(modelOfValue(decoded), modelOfValue(value), name);
      assert.equal((decoded as { encoding(): string }).encoding(), (value as { encoding(): string }).encoding(), `${name} encoding`);
      assert.deepEqual(encodeDumpPayload(decoded, { compress }), payload, `${name} re-encoded`);
    }
  });
}

test('values loaded by the fast paths stay editable', () => {
  const hash = decodeDumpPayload(encodeDumpPayload(hashOf([['f1', 'v1'], ['f2', '2']]), { compress: false })) as HashValue;
  assert.equal(hash.get('f2'), '2');
  assert.equal(hash.set('f3', 'v3', HASH_LIMITS), true);
  assert.equal(hash.set('f1', 'new', HASH_LIMITS), false);
  assert.equal(hash.size, 3);
  assert.equal(hash.get('f1'), 'new');

  const set = decodeDumpPayload(encodeDumpPayload(setOf(['a', 'b']), { compress: false })) as SetValue;
  assert.equal(set.add('a', 512), false);
  assert.equal(set.add('c', 512), true);
  assert.deepEqual([...set.members].sort(), ['a', 'b', 'c']);

  const zset = decodeDumpPayload(encodeDumpPayload(zsetOf([['a', 1], ['b', 2]]), { compress: false })) as SortedSet;
  assert.equal(zset.score('b'), 2);
  zset.set('c', 0, ZSET_LIMITS);
  assert.deepEqual(modelOfValue(zset), modelOfValue(zsetOf([['c', 0], ['a', 1], ['b', 2]])));

  const list = decodeDumpPayload(encodeDumpPayload(listOf(['a', 'b']), { compress: false })) as ListValue;
  list.pushBack('c');
  list.pushFront('z');
  assert.deepEqual(modelOfValue(list), modelOfValue(listOf(['z', 'a', 'b', 'c'])));
});

/** Decodes a DUMP payload's value without its version and checksum (so a test can corrupt it). */
function decodeBody(payload: Buffer): StoredValue {
  return decodeValue(payload[0] as number, new RdbInput(payload, 1, payload.length - 10));
}

test('a duplicate hash field or set member still fails the load', () => {
  const hashPayload = encodeDumpPayload(hashOf([['f', '1'], ['g', '2']]), { compress: false });
  const g = hashPayload.indexOf(Buffer.from([0x81, 0x67])); // the listpack element "g"
  assert.ok(g > 0);
  hashPayload[g + 1] = 0x66; // "g" becomes "f"
  assert.throws(() => decodeBody(hashPayload), /duplicate hash fields/);

  const setPayload = encodeDumpPayload(setOf(['a', 'b']), { compress: false });
  const b = setPayload.indexOf(Buffer.from([0x01, 0x62])); // the member "b"
  assert.ok(b > 0);
  setPayload[b + 1] = 0x61;
  assert.throws(() => decodeBody(setPayload), /duplicate set members/);
});

test('packed hashes and sorted sets are encoded in place as addString would encode them', () => {
  const scores = [0, -0, 1, -1, 0.1, 1e17, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 123456789012345, 1.5e-300, Infinity, -Infinity];
  const zset = zsetOf(scores.map((score, i) => [`m${i}`, score] as [string, number]));
  const zsetBlob = encodeDumpPayload(zset, { compress: false });
  const elements = readListpack(new RdbInput(zsetBlob, 1, zsetBlob.length - 10).stringView(), 0);
  const expected: string[] = [];
  for (const [member, score] of zset.entries()) expected.push(member, formatDouble17g(score));
  assert.deepEqual(elements, expected);

  const pairs: Array<[string, string]> = [['1', '-0'], ['007', '18446744073709551616'], ['-9223372036854775808', 'x'.repeat(64)], ['', 'é']];
  const hashBlob = encodeDumpPayload(hashOf(pairs), { compress: false });
  assert.deepEqual(readListpack(new RdbInput(hashBlob, 1, hashBlob.length - 10).stringView(), 0), pairs.flat());
});

test('small packed sets are encoded in place as string() would encode each member', () => {
  const members = ['a', '12', '-7', '007', '2147483648', 'y'.repeat(30), 'z'.repeat(64), '', 'é'];
  const set = setOf(members);
  assert.equal(set.smallPacked !== undefined, true);
  for (const compress of [true, false]) {
    const expected = new RdbOutput();
    expected.len(members.length);
    for (const member of set.members) expected.string(member, compress);
    const actual = new RdbOutput();
    encodeValueBody(set, actual, { compress });
    assert.deepEqual(actual.take(), expected.take(), `compress ${compress}`);
  }
});

test('a list of one packed chunk is encoded in place with the node splits of the general path', () => {
  const elements = [...Array.from({ length: 30 }, (_, i) => `${i}`.padEnd(200, 'q')), '12', '-4096', '9223372036854775807', '', 'x'.repeat(70), '0', '01'];
  for (const fill of [-1, -2, -5, 1, 7, 128]) {
    const packed = ListValue.from(elements);
    packed.settle();
    assert.ok(packed.solePackedChunk !== undefined);
    const unpacked = ListValue.from(elements);
    assert.equal(unpacked.solePackedChunk, undefined);
    for (const compress of [true, false]) {
      const expected = new RdbOutput();
      encodeValueBody(unpacked, expected, { compress, listMaxListpackSize: fill });
      const actual = new RdbOutput();
      encodeValueBody(packed, actual, { compress, listMaxListpackSize: fill });
      assert.deepEqual(actual.take(), expected.take(), `fill ${fill} compress ${compress}`);
    }
  }
  // After pops the chunk's head moves: still read from the right place.
  const popped = ListValue.from(['a', 'b', 'c', 'd']);
  popped.settle();
  popped.popFront();
  assert.ok(popped.solePackedChunk !== undefined);
  assert.deepEqual(modelOfValue(decodeDumpPayload(encodeDumpPayload(popped, { compress: false }))), modelOfValue(listOf(['b', 'c', 'd'])));
});
