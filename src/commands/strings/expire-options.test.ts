import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError } from '../../lib/errors.js';
import { StringFlag, expireAtMsFromOption, parseStringOptions } from './expire-options.js';

const set = (...options: string[]) => parseStringOptions(['set', 'k', 'v', ...options], 3, true);
const getex = (...options: string[]) => parseStringOptions(['getex', 'k', ...options], 2, false);

test('SET options combine as in Redis, the same expiry unit twice keeps the last', () => {
  assert.deepEqual(set('NX', 'get'), { flags: StringFlag.Nx | StringFlag.Get, expire: undefined });
  assert.deepEqual(set('ex', '10', 'EX', '20'), { flags: StringFlag.Ex, expire: '20' });
  assert.deepEqual(set('KEEPTTL', 'XX'), { flags: StringFlag.KeepTtl | StringFlag.Xx, expire: undefined });
});

test('conflicting or unknown options are syntax errors', () => {
  for (const options of [['NX', 'XX'], ['EX', '1', 'PX', '1'], ['KEEPTTL', 'EX', '1'], ['EX', '1', 'KEEPTTL'], ['EX'], ['PERSIST'], ['FOO']]) {
    assert.throws(() => set(...options), (e: unknown) => e instanceof ReplyError && e.message === 'ERR syntax error', options.join(' '));
  }
  for (const options of [['NX'], ['GET'], ['KEEPTTL'], ['PERSIST', 'EX', '1'], ['EX', '1', 'PERSIST']]) {
    assert.throws(() => getex(...options), ReplyError, options.join(' '));
  }
  assert.deepEqual(getex('PERSIST', 'persist'), { flags: StringFlag.Persist, expire: undefined });
});

test('expire times: relative units add now, bad or overflowing values are refused', () => {
  assert.equal(expireAtMsFromOption(StringFlag.Ex, '10', 1000, 'set'), 11_000);
  assert.equal(expireAtMsFromOption(StringFlag.Px, '10', 1000, 'set'), 1010);
  assert.equal(expireAtMsFromOption(StringFlag.ExAt, '10', 1000, 'set'), 10_000);
  assert.equal(expireAtMsFromOption(StringFlag.PxAt, '10', 1000, 'set'), 10);
  const invalid = (e: unknown) => e instanceof ReplyError && e.message === "ERR invalid expire time in 'setex' command";
  for (const [flag, text] of [[StringFlag.Ex, '0'], [StringFlag.Px, '-1'], [StringFlag.Ex, '9223372036854776'], [StringFlag.Px, '9223372036854775807']] as const) {
    assert.throws(() => expireAtMsFromOption(flag, text, 1000, 'setex'), invalid, text);
  }
  assert.throws(() => expireAtMsFromOption(StringFlag.Ex, '1.5', 1000, 'set'), /not an integer/);
});
