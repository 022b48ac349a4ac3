import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_PAIRS, countPairs, findPair, forEachPair, packPairs, rebuildPacked } from './packed-pairs.js';

function pairsOf(packed: string, count: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  forEachPair(packed, count, (field, value) => out.push([field, value]));
  return out;
}

test('pairs round-trip with one-char and multi-char length prefixes', () => {
  const long = 'v'.repeat(200);
  const huge = 'w'.repeat(20_000);
  const packed = packPairs([['a', '1'], ['', ''], ['bin\x00\xff', long], ['x'.repeat(127), huge]]);
  assert.deepEqual(pairsOf(packed, 4), [
    ['a', '1'],
    ['', ''],
    ['bin\x00\xff', long],
    ['x'.repeat(127), huge],
  ]);
});

test('findPair matches whole fields only and reports the value bounds', () => {
  const packed = packPairs([['ab', 'x'], ['a', 'yy'], ['abc', 'z']]);
  const at = findPair(packed, 3, 'a');
  assert.ok(at !== undefined);
  assert.equal(packed.slice(at.valueStart, at.valueEnd), 'yy');
  assert.equal(at.pairStart, packPairs([['ab', 'x']]).length);
  assert.equal(findPair(packed, 3, 'b'), undefined);
  assert.equal(findPair(packed, 2, 'abc'), undefined, 'only the first pairCount pairs are searched');
});

test('a field equal to a value is not found through the value', () => {
  const packed = packPairs([['f', 'needle']]);
  assert.equal(findPair(packed, 1, 'needle'), undefined);
});

test('rebuildPacked replaces a pair with a longer or shorter one, or removes it', () => {
  const packed = packPairs([['a', '1'], ['b', '2'], ['c', '3']]);
  const at = findPair(packed, 3, 'b');
  assert.ok(at !== undefined);
  const { pairStart, valueEnd } = at;
  assert.deepEqual(pairsOf(rebuildPacked(packed, pairStart, valueEnd, 'b', 'x'.repeat(300)), 3), [['a', '1'], ['b', 'x'.repeat(300)], ['c', '3']]);
  assert.deepEqual(pairsOf(rebuildPacked(packed, pairStart, valueEnd, 'b', ''), 3), [['a', '1'], ['b', ''], ['c', '3']]);
  assert.deepEqual(pairsOf(rebuildPacked(packed, pairStart, valueEnd), 2), [['a', '1'], ['c', '3']]);
});

test('countPairs walks the length prefixes; ALL_PAIRS searches and visits up to the end', () => {
  const long = 'v'.repeat(300);
  const packed = packPairs([['a', '1'], ['', ''], ['b', long], ['c', '']]);
  assert.equal(countPairs(''), 0);
  assert.equal(countPairs(packed), 4);
  assert.equal(findPair(packed, ALL_PAIRS, 'c')?.valueEnd, packed.length);
  assert.equal(findPair(packed, ALL_PAIRS, 'missing'), undefined);
  assert.deepEqual(pairsOf(packed, ALL_PAIRS), [['a', '1'], ['', ''], ['b', long], ['c', '']]);
});
