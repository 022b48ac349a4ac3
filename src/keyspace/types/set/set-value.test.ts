import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIntsetMember, SetValue } from './set-value.js';

test('only canonical 64-bit integers go into an intset', () => {
  for (const yes of ['0', '-1', '42', '9223372036854775807', '-9223372036854775808']) assert.equal(isIntsetMember(yes), true, yes);
  for (const no of ['', '-0', '01', '+1', ' 1', '1.0', '9223372036854775808', 'a']) assert.equal(isIntsetMember(no), false, no);
});

test('an intset stays sorted and converts on a non-integer or past its limit', () => {
  const set = new SetValue('5');
  for (const m of ['5', '3', '-1', '10']) set.add(m, 4);
  assert.equal(set.encoding(), 'intset');
  assert.deepEqual(set.members, ['-1', '3', '5', '10']);
  assert.equal(set.has('03'), false);
  assert.equal(set.delete('3'), true);
  set.add('7', 4);
  set.add('8', 4);
  assert.equal(set.encoding(), 'hashtable');
  const strings = new SetValue('1');
  strings.add('1', 512);
  strings.add('x', 512);
  assert.equal(strings.encoding(), 'hashtable');
  strings.delete('x');
  assert.equal(strings.encoding(), 'hashtable', 'never back to intset');
  assert.equal(new SetValue('x').encoding(), 'hashtable');
});

test('clone is deep for both encodings', () => {
  const ints = new SetValue('1');
  ints.add('1', 512);
  const copy = ints.clone();
  copy.add('2', 512);
  assert.equal(ints.size, 1);
  const strings = new SetValue('a');
  strings.add('a', 512);
  const copy2 = strings.clone();
  copy2.delete('a');
  assert.equal(strings.has('a'), true);
  assert.equal(copy2.encoding(), 'hashtable');
});
