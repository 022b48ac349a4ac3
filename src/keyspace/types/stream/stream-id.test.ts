import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareIds, formatId, nextId, parseStreamId, parseU64, previousId, U64_MAX } from './stream-id.js';

test('parseU64 follows string2ull: string2ll first, then strtoull', () => {
  assert.equal(parseU64('0'), 0);
  assert.equal(parseU64('123'), 123);
  assert.equal(parseU64('007'), 7);
  assert.equal(parseU64('+5'), 5);
  assert.equal(parseU64(' 5'), 5);
  assert.equal(parseU64('-5'), null, 'a canonical negative is refused');
  assert.equal(parseU64('-0'), 0);
  assert.equal(parseU64(' -1'), U64_MAX, 'strtoull negates modulo 2^64');
  assert.equal(parseU64('18446744073709551615'), U64_MAX);
  assert.equal(parseU64('18446744073709551616'), null);
  assert.equal(parseU64('9007199254740993'), 9007199254740993n);
  assert.equal(parseU64('9007199254740991'), 9007199254740991);
  assert.equal(parseU64(''), null);
  assert.equal(parseU64('5 '), null);
  assert.equal(parseU64('x'), null);
});

test('parseStreamId: special ids, missing sequence, ms-* and NUL-terminated text', () => {
  assert.deepEqual(parseStreamId('-', 0, false), { kind: 'id', id: { ms: 0, seq: 0 }, seqGiven: true });
  assert.deepEqual(parseStreamId('+', 0, false), { kind: 'id', id: { ms: U64_MAX, seq: U64_MAX }, seqGiven: true });
  assert.equal(parseStreamId('+', 0, true).kind, 'invalid');
  assert.deepEqual(parseStreamId('5', U64_MAX, false), { kind: 'id', id: { ms: 5, seq: U64_MAX }, seqGiven: true });
  assert.deepEqual(parseStreamId('5-*', 0, true, true), { kind: 'id', id: { ms: 5, seq: 0 }, seqGiven: false });
  assert.equal(parseStreamId('5-*', 0, true).kind, 'invalid');
  assert.deepEqual(parseStreamId('5-1\0junk', 0, true), { kind: 'id', id: { ms: 5, seq: 1 }, seqGiven: true });
  assert.equal(parseStreamId('1-2-3', 0, true).kind, 'invalid');
  assert.equal(parseStreamId('x'.repeat(128), 0, true).kind, 'invalid');
});

test('ids compare, increment and decrement exactly across the number/bigint boundary', () => {
  const big = { ms: 9007199254740991, seq: U64_MAX };
  assert.deepEqual(nextId(big), { ms: 9007199254740992n, seq: 0 });
  assert.equal(nextId({ ms: U64_MAX, seq: U64_MAX }), null);
  assert.equal(previousId({ ms: 0, seq: 0 }), null);
  assert.deepEqual(previousId({ ms: 1, seq: 0 }), { ms: 0, seq: U64_MAX });
  assert.equal(compareIds({ ms: 9007199254740993n, seq: 0 }, { ms: 9007199254740991, seq: 5 }), 1);
  assert.equal(compareIds({ ms: 3, seq: 1 }, { ms: 3, seq: 1 }), 0);
  assert.equal(formatId({ ms: U64_MAX, seq: 7 }), '18446744073709551615-7');
});
