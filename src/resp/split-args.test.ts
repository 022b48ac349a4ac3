import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitArgs } from './split-args.js';

// Each expectation was taken from redis-server 7.0.15 itself: the line sent as an inline command
// (`LPUSH k x <line>`, which Redis splits with sdssplitargs), then LRANGE; null where Redis
// answered "Protocol error: unbalanced quotes in request".
const cases: Array<[string, string[] | null]> = [
  ['a b  c', ['a', 'b', 'c']],
  ['"a b" c', ['a b', 'c']],
  ["'a b' c", ['a b', 'c']],
  ['"a\\"b"', ['a"b']],
  ["'a\\'b'", ["a'b"]],
  ['"\\x41\\x4a"', ['AJ']],
  ['"\\x4"', ['x4']],
  ['"\\xZZ"', ['xZZ']],
  ['"\\n\\r\\t\\b\\a\\\\"', ['\n\r\t\b\x07\\']],
  ['"\\q"', ['q']],
  ["'\\n'", ['\\n']],
  ['"a"b', null],
  ["'a'b", null],
  ['"abc', null],
  ["'abc", null],
  ['a"b"c', null],
  ["a'b'c", null],
  ['\t a \t b\t', ['a', 'b']],
  ['""', ['']],
  ["''", ['']],
  ['"" x', ['', 'x']],
  // Unquoted words end only at space, \t, \n, \r: \v and \f stay inside.
  ['a\x0bb', ['a\x0bb']],
  ['a\x0cb', ['a\x0cb']],
  ['"a" "b"', ['a', 'b']],
  ['a"b"', ['ab']],
  ['', []],
  ['   ', []],
];

test('splitArgs splits tricky lines exactly like sdssplitargs', () => {
  for (const [line, expected] of cases) assert.deepEqual(splitArgs(line), expected, JSON.stringify(line));
});
