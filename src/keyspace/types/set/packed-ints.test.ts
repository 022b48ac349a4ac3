import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../lib/random.js';
import { EMPTY_INTSET, intsetAdd, intsetAt, intsetDelete, intsetHas, intsetMembers, intsetSize, intsetWidth } from './packed-ints.js';

const EDGES = [
  '0', '1', '-1', '32767', '-32768', '32768', '-32769', '2147483647', '-2147483648', '2147483648', '-2147483649',
  '4294967295', '4294967296', '-4294967296', '9007199254740991', '-9007199254740992', '999999999999999', '1000000000000000',
  '-1000000000000000', '9223372036854775807', '-9223372036854775808', '9223372036854775806', '-9223372036854775807',
];

function numericSort(texts: readonly string[]): string[] {
  return [...texts].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}

test('members round-trip in numeric order across every width', () => {
  let packed = EMPTY_INTSET;
  for (const text of EDGES) packed = intsetAdd(packed, text);
  assert.equal(intsetWidth(packed), 8);
  assert.equal(intsetSize(packed), EDGES.length);
  assert.deepEqual(intsetMembers(packed), numericSort(EDGES));
  for (const text of EDGES) assert.equal(intsetHas(packed, text), true, text);
  for (let i = 0; i < EDGES.length; i++) assert.equal(intsetAt(packed, i), numericSort(EDGES)[i]);
});

test('the width grows only as needed and never shrinks', () => {
  let packed = intsetAdd(intsetAdd(EMPTY_INTSET, '5'), '-7');
  assert.equal(intsetWidth(packed), 2);
  assert.equal(intsetHas(packed, '40000'), false);
  packed = intsetAdd(packed, '40000');
  assert.equal(intsetWidth(packed), 4);
  assert.deepEqual(intsetMembers(packed), ['-7', '5', '40000']);
  packed = intsetDelete(packed, '40000');
  assert.equal(intsetWidth(packed), 4);
  assert.equal(intsetHas(packed, '9223372036854775807'), false);
  assert.equal(intsetDelete(packed, '9223372036854775807'), packed);
});

test('adds and deletes agree with a reference set (seeded)', () => {
  const random = new SeededRandom(11);
  let packed = EMPTY_INTSET;
  const reference = new Set<string>();
  const pool = [...EDGES, ...Array.from({ length: 60 }, (_, i) => String((i - 30) * 1013))];
  for (let step = 0; step < 3000; step++) {
    const text = pool[random.int(pool.length)] as string;
    if (random.next() < 0.6) {
      const next = intsetAdd(packed, text);
      assert.equal(next !== packed, !reference.has(text));
      reference.add(text);
      packed = next;
    } else {
      const next = intsetDelete(packed, text);
      assert.equal(next !== packed, reference.has(text));
      reference.delete(text);
      packed = next;
    }
  }
  assert.deepEqual(intsetMembers(packed), numericSort([...reference]));
});
