import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldAfterOverflow } from './bitfield-overflow.js';

const i8 = (overflow: 'wrap' | 'sat' | 'fail') => ({ signed: true, bits: 8, overflow });
const u8 = (overflow: 'wrap' | 'sat' | 'fail') => ({ signed: false, bits: 8, overflow });

test('values in range are kept whatever the mode', () => {
  for (const mode of ['wrap', 'sat', 'fail'] as const) {
    assert.equal(fieldAfterOverflow(i8(mode), -128n), -128n);
    assert.equal(fieldAfterOverflow(u8(mode), 255n), 255n);
  }
});

test('WRAP keeps the low bits, two complement for signed fields', () => {
  assert.equal(fieldAfterOverflow(i8('wrap'), 200n), -56n);
  assert.equal(fieldAfterOverflow(i8('wrap'), -129n), 127n);
  assert.equal(fieldAfterOverflow(u8('wrap'), 256n), 0n);
  assert.equal(fieldAfterOverflow(u8('wrap'), -1n), 255n);
  assert.equal(fieldAfterOverflow({ signed: true, bits: 64, overflow: 'wrap' }, 9223372036854775808n), -9223372036854775808n);
});

test('SAT clamps, FAIL refuses', () => {
  assert.equal(fieldAfterOverflow(i8('sat'), 1000n), 127n);
  assert.equal(fieldAfterOverflow(i8('sat'), -1000n), -128n);
  assert.equal(fieldAfterOverflow(u8('sat'), -5n), 0n);
  assert.equal(fieldAfterOverflow(u8('fail'), 256n), null);
  assert.equal(fieldAfterOverflow(i8('fail'), -129n), null);
});

test('a signed SET far below the range saturates to max, as Redis does', () => {
  // Captured from redis 7.0.15: BITFIELD k OVERFLOW SAT SET i53 0 -9223372036854775808 → field = 2^52-1.
  const i53 = { signed: true, bits: 53, overflow: 'sat' as const };
  assert.equal(fieldAfterOverflow(i53, -9223372036854775808n, true), 4503599627370495n);
  assert.equal(fieldAfterOverflow(i53, -9223372036854775808n, false), -4503599627370496n);
  assert.equal(fieldAfterOverflow(i8('sat'), -9223372036854775808n, true), 127n);
  assert.equal(fieldAfterOverflow(i8('sat'), -200n, true), -128n);
});
