import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError } from '../lib/errors.js';
import { parseScanCursor } from './scan-args.js';

test('SCAN cursors parse like C strtoul, as Redis does', () => {
  assert.equal(parseScanCursor('0'), 0n);
  assert.equal(parseScanCursor(''), 0n);
  assert.equal(parseScanCursor('+12'), 12n);
  assert.equal(parseScanCursor('007'), 7n);
  assert.equal(parseScanCursor('-1'), 18446744073709551615n);
  assert.equal(parseScanCursor('18446744073709551615'), 18446744073709551615n);
  for (const bad of [' 1', '\t1', '1 ', '0x10', '1.5', 'abc', '+', '-', '18446744073709551616']) {
    assert.throws(() => parseScanCursor(bad), (error: unknown) => error instanceof ReplyError && error.message === 'ERR invalid cursor', bad);
  }
});
