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

test('small non-integer sets: packed, reported as hashtable, moved to a table past 128 members or 64 bytes', () => {
  const set = new SetValue('a');
  for (let i = 0; i < 128; i++) assert.equal(set.add(`m${i}`, 512), true);
  assert.equal(set.add('m5', 512), false);
  assert.equal(set.encoding(), 'hashtable');
  assert.equal(set.table, undefined, 'still packed at 128 members');
  assert.equal(set.has('m127'), true);
  assert.equal(set.delete('m0'), true);
  assert.equal(set.delete('m0'), false);
  assert.equal(set.size, 127);
  set.add('x', 512);
  set.add('y', 512);
  assert.notEqual(set.table, undefined, 'a MemberTable past 128 members');
  assert.equal(set.size, 129);
  const long = new SetValue('a');
  long.add('a', 512);
  long.add('L'.repeat(65), 512);
  assert.notEqual(long.table, undefined);
  assert.deepEqual([...long.members].sort(), ['L'.repeat(65), 'a']);
});

test('an intset leaving its encoding keeps every member', () => {
  const set = new SetValue('1');
  for (const m of ['3', '1', '2']) set.add(m, 512);
  assert.equal(set.add('x', 512), true);
  assert.equal(set.encoding(), 'hashtable');
  assert.deepEqual([...set.members].sort(), ['1', '2', '3', 'x']);
  const limited = new SetValue('1');
  for (const m of ['1', '2', '3', '4']) limited.add(m, 3);
  assert.equal(limited.encoding(), 'hashtable');
  assert.equal(limited.has('4'), true);
  assert.equal(limited.size, 4);
});
