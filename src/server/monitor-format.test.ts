import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMonitorLine, quoteRepr } from './monitor-format.js';

test('formatMonitorLine: seconds.micros, db and address, quoted arguments', () => {
  assert.equal(formatMonitorLine(1700000000000123, 3, '127.0.0.1:5000', ['SET', 'k', 'v']), '+1700000000.000123 [3 127.0.0.1:5000] "SET" "k" "v"\r\n');
});

test('quoteRepr escapes like sdscatrepr', () => {
  assert.equal(quoteRepr('a"b\\c\n\r\t\x07\x08\x00\xff '), '"a\\"b\\\\c\\n\\r\\t\\a\\b\\x00\\xff "');
});
