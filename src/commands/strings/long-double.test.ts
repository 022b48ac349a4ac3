import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addLongDoubles, formatLongDoubleHuman, parseLongDouble, type LongDouble } from './long-double.js';

function parsed(text: string): LongDouble {
  const value = parseLongDouble(text);
  assert.ok(value !== null, `${text} parses`);
  return value;
}

/** INCRBYFLOAT's arithmetic: parse both, add once, print like Redis. */
function incr(a: string, b: string): string {
  const sum = addLongDoubles(parsed(a), parsed(b));
  assert.notEqual(sum, 'inf');
  return formatLongDoubleHuman(sum as LongDouble);
}

test('sums print like Redis on x86-64 (80-bit long double, %.17Lf trimmed)', () => {
  // Outputs captured from redis-server 7.0.15.
  assert.equal(incr('10.5', '0.1'), '10.6');
  assert.equal(incr('1.1', '2.2'), '3.3');
  assert.equal(incr('0', '3.0e3'), '3000');
  assert.equal(incr('5000', '1e-20'), '5000');
  assert.equal(incr('0', '0x10'), '16');
  assert.equal(incr('0', '-0.0'), '0');
  assert.equal(
    incr('0', '1e308'),
    '99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048',
  );
});

test('a negative result that rounds to zero prints 0, not -0', () => {
  assert.equal(incr('0', '-1e-30'), '0');
});

test('strtold syntax: what Redis accepts and refuses', () => {
  for (const ok of ['1', '-1', '+1', '.5', '5.', '1e2', '1E+2', '0x1.8p1', '0X.8', 'inf', '-Infinity', '0e99999999']) {
    assert.notEqual(parseLongDouble(ok), null, ok);
  }
  for (const bad of ['', ' 1', '1 ', '1e', '0x', '.', 'e1', 'nan', 'NaN', '1,5', '1\x002', '1e5000', '1e-5000', 'x'.repeat(5120)]) {
    assert.equal(parseLongDouble(bad), null, JSON.stringify(bad));
  }
});

test('infinite operands or results are reported as inf', () => {
  assert.equal(addLongDoubles(parsed('inf'), parsed('1')), 'inf');
  assert.equal(addLongDoubles(parsed('1e4932'), parsed('1e4932')), 'inf');
});

test('rounding of the sum is half to even at 64 mantissa bits', () => {
  // 2^64 + 1 is not representable: it rounds to 2^64 (tie → even), 2^64 + 3 rounds up.
  assert.equal(incr('18446744073709551616', '1'), '18446744073709551616');
  assert.equal(incr('18446744073709551616', '3'), '18446744073709551620');
});
