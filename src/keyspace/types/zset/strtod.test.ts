import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRangeDouble, parseStrictDouble } from './strtod.js';

test('parseStrictDouble takes what getDoubleFromObject takes', () => {
  assert.equal(parseStrictDouble('1.5'), 1.5);
  assert.equal(parseStrictDouble('-0'), -0);
  assert.equal(parseStrictDouble('+3'), 3);
  assert.equal(parseStrictDouble('.5'), 0.5);
  assert.equal(parseStrictDouble('5.'), 5);
  assert.equal(parseStrictDouble('1e3'), 1000);
  assert.equal(parseStrictDouble('inf'), Infinity);
  assert.equal(parseStrictDouble('-Infinity'), -Infinity);
  assert.equal(parseStrictDouble('0x10'), 16);
  assert.equal(parseStrictDouble('0x1p-2'), 0.25);
  assert.equal(parseStrictDouble('0X1.8P1'), 3);
  assert.equal(parseStrictDouble('4.9e-324'), 5e-324);
});

test('parseStrictDouble refuses spaces, trailing text, NaN, overflow and underflow to zero', () => {
  for (const text of ['', ' 1', '1 ', 'abc', '1e', '0x', 'nan', 'NaN', '1e400', '-1e400', '1e-400', '--1', '1..2']) {
    assert.equal(parseStrictDouble(text), null, text);
  }
});

test('parseRangeDouble follows zslParseRange: empty is 0, overflow is inf, leading space is fine', () => {
  assert.equal(parseRangeDouble(''), 0);
  assert.equal(parseRangeDouble(' 1'), 1);
  assert.equal(parseRangeDouble('1e400'), Infinity);
  assert.equal(parseRangeDouble(' '), null);
  assert.equal(parseRangeDouble('nan'), null);
  assert.equal(parseRangeDouble('1x'), null);
});
