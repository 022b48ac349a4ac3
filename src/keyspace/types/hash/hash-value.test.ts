import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashValue, type HashLimits } from './hash-value.js';

const LIMITS: HashLimits = { maxListpackEntries: 4, maxListpackValueBytes: 8 };

function entries(hash: HashValue): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  hash.forEach((field, value) => out.push([field, value]));
  return out;
}

test('a listpack keeps insertion order; updates stay in place, deletes close the gap', () => {
  const hash = new HashValue();
  assert.equal(hash.set('z', '1', LIMITS), true);
  assert.equal(hash.set('y', '2', LIMITS), true);
  assert.equal(hash.set('x', '3', LIMITS), true);
  assert.equal(hash.set('y', 'two', LIMITS), false);
  assert.deepEqual(entries(hash), [['z', '1'], ['y', 'two'], ['x', '3']]);
  assert.equal(hash.delete('z'), true);
  assert.equal(hash.delete('z'), false);
  assert.deepEqual(entries(hash), [['y', 'two'], ['x', '3']]);
  assert.equal(hash.encoding(), 'listpack');
  assert.equal(hash.size, 2);
});

test('more entries than the limit convert to hashtable, for good', () => {
  const hash = new HashValue();
  for (const field of ['a', 'b', 'c', 'd']) hash.set(field, field, LIMITS);
  assert.equal(hash.encoding(), 'listpack');
  hash.set('e', 'e', LIMITS);
  assert.equal(hash.encoding(), 'hashtable');
  for (const field of ['a', 'b', 'c', 'd']) hash.delete(field);
  assert.equal(hash.encoding(), 'hashtable');
  assert.deepEqual(entries(hash), [['e', 'e']]);
});

test('a field or value longer than the limit converts; exactly the limit does not', () => {
  const fits = new HashValue();
  fits.set('f'.repeat(8), 'v'.repeat(8), LIMITS);
  assert.equal(fits.encoding(), 'listpack');
  const longValue = new HashValue();
  longValue.set('f', 'v'.repeat(9), LIMITS);
  assert.equal(longValue.encoding(), 'hashtable');
  assert.equal(longValue.get('f'), 'v'.repeat(9));
  const longArgument = new HashValue();
  longArgument.convertIfTooLong(['hset', 'k', 'f', 'v'.repeat(9)], 2, 4, LIMITS);
  assert.equal(longArgument.encoding(), 'hashtable');
});

test('get, has and delete agree across both encodings', () => {
  for (const convert of [false, true]) {
    const hash = new HashValue();
    hash.set('a', '1', LIMITS);
    hash.set('\x00', '', LIMITS);
    if (convert) hash.convertToTable();
    assert.equal(hash.get('a'), '1');
    assert.equal(hash.get('\x00'), '');
    assert.equal(hash.get('missing'), undefined);
    assert.equal(hash.has('\x00'), true);
    assert.equal(hash.delete('a'), true);
    assert.equal(hash.size, 1);
  }
});

test('clone is deep', () => {
  const hash = new HashValue();
  hash.set('a', '1', LIMITS);
  const copy = hash.clone();
  copy.set('a', '2', LIMITS);
  assert.equal(hash.get('a'), '1');
  hash.convertToTable();
  const tableCopy = hash.clone();
  tableCopy.delete('a');
  assert.equal(hash.get('a'), '1');
  assert.equal(tableCopy.encoding(), 'hashtable');
});

test('setPairs equals set() pair by pair: duplicates, updates, conversion', () => {
  const cases: string[][] = [
    ['a', '1', 'b', '2', 'a', '3'],
    ['x', '1', 'y', '2'],
    ['a', 'new', 'c', '1', 'c', '2', 'd', '4'],
    ['e', '5', 'f', '6', 'g', '7'],
  ];
  const batch = new HashValue();
  const single = new HashValue();
  for (const pairs of cases) {
    let created = 0;
    for (let i = 0; i < pairs.length; i += 2) if (single.set(pairs[i] as string, pairs[i + 1] as string, { maxListpackEntries: 6, maxListpackValueBytes: 8 })) created++;
    assert.equal(batch.setPairs(['hset', 'k', ...pairs], 2, { maxListpackEntries: 6, maxListpackValueBytes: 8 }), created);
    assert.deepEqual(entries(batch).sort(), entries(single).sort());
    assert.equal(batch.encoding(), single.encoding());
  }
  assert.equal(batch.encoding(), 'hashtable');
});

test('a hash Redis holds as hashtable for a long text stays packed while small, then a MemberTable', () => {
  const limits: HashLimits = { maxListpackEntries: 512, maxListpackValueBytes: 64 };
  const hash = new HashValue();
  hash.set('a', '1', limits);
  hash.set('long', 'v'.repeat(100), limits);
  assert.equal(hash.encoding(), 'hashtable');
  assert.equal(hash.table, undefined, 'packed still');
  assert.deepEqual(entries(hash), [['a', '1'], ['long', 'v'.repeat(100)]], 'insertion order kept while packed');
  hash.delete('long');
  assert.equal(hash.encoding(), 'hashtable', 'never back to listpack');
  for (let i = 0; i < 127; i++) hash.set(`f${i}`, 'x', limits);
  assert.equal(hash.size, 128);
  assert.equal(hash.table, undefined);
  hash.set('one-more', 'x', limits);
  assert.notEqual(hash.table, undefined, 'a MemberTable past 128 entries');
  assert.equal(hash.size, 129);
  assert.equal(hash.get('f5'), 'x');

  const huge = new HashValue();
  huge.set('a', '1', limits);
  huge.set('b', 'v'.repeat(2000), limits);
  assert.notEqual(huge.table, undefined, 'a text past 1 KB goes to a MemberTable');
  assert.equal(huge.get('a'), '1');

  const bulky = new HashValue();
  bulky.set('x', 'v'.repeat(100), limits);
  for (let i = 0; i < 20; i++) bulky.set(`f${i}`, 'w'.repeat(1000), limits);
  assert.notEqual(bulky.table, undefined, 'a MemberTable past 16 KB packed');
  assert.equal(bulky.size, 21);
});

test('size counts the packed pairs in both packed forms, after sets, updates and deletes', () => {
  const limits: HashLimits = { maxListpackEntries: 128, maxListpackValueBytes: 8 };
  for (const long of [false, true]) {
    const hash = new HashValue();
    assert.equal(hash.size, 0);
    assert.equal(hash.setPairs(['hset', 'k', 'a', '1', 'b', '', '', 'x'], 2, limits), 3);
    if (long) hash.set('c', 'v'.repeat(300), limits);
    assert.equal(hash.encoding(), long ? 'hashtable' : 'listpack');
    assert.equal(hash.table, undefined, 'packed');
    assert.equal(hash.size, long ? 4 : 3);
    hash.set('a', 'longer value', { maxListpackEntries: 128, maxListpackValueBytes: 64 });
    assert.equal(hash.size, long ? 4 : 3);
    hash.delete('b');
    assert.equal(hash.size, long ? 3 : 2);
    assert.equal(hash.isEmpty, false);
    assert.equal(hash.clone().size, hash.size);
    for (const field of ['a', '', 'c']) hash.delete(field);
    assert.equal(hash.size, 0);
    assert.equal(hash.isEmpty, true);
  }
});

test('an update converts a listpack over a lowered entry limit, as Redis checks after updates too', () => {
  const hash = new HashValue();
  for (const field of ['a', 'b', 'c', 'd']) hash.set(field, field, LIMITS);
  hash.set('a', 'A', { maxListpackEntries: 3, maxListpackValueBytes: 8 });
  assert.equal(hash.encoding(), 'hashtable');
  assert.equal(hash.size, 4);
  assert.equal(hash.get('a'), 'A');
});

test('fromPacked takes an RDB listpack as is', () => {
  const source = new HashValue();
  source.setPairs(['hset', 'k', 'f1', 'v1', 'f2', 'v2'], 2, LIMITS);
  const hash = HashValue.fromPacked(source.packedListpack as string);
  assert.equal(hash.encoding(), 'listpack');
  assert.equal(hash.size, 2);
  assert.equal(hash.get('f2'), 'v2');
});
