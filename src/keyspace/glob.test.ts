import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from './glob.js';

/**
 * Expected results captured from redis-server 7.0.15 (KEYS <pattern> over a database holding
 * exactly SUBJECTS; for the lone '*' the empty key is dropped, since KEYS special-cases it).
 * Each case: a pattern and the indexes of the subjects it matches.
 */
const SUBJECTS = [
  '',
  'a',
  'b',
  'ab',
  'ba',
  'abc',
  'aXc',
  'a*c',
  'a?c',
  'a[c',
  'a]c',
  'a\\c',
  'a-c',
  'a^c',
  'aaa',
  'abab',
  'A',
  'B',
  '\x80',
  '\xff',
  '0',
  '^',
  ']',
  '-',
  '\\',
  '[',
  'hello',
  'hellO',
  'h\x00llo',
];

const REDIS_CASES: Array<[string, number[]]> = [
  ['*', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28]],
  ['**', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28]],
  ['?', [1, 2, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]],
  ['??', [3, 4]],
  ['a', [1]],
  ['a*', [1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['*a', [1, 4, 14]],
  ['*a*', [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['a*c', [5, 6, 7, 8, 9, 10, 11, 12, 13]],
  ['a?c', [5, 6, 7, 8, 9, 10, 11, 12, 13]],
  ['a\\*c', [7]],
  ['a\\?c', [8]],
  ['a\\[c', [9]],
  ['a\\\\c', [11]],
  ['a[bX]c', [5, 6]],
  ['a[^b]c', [6, 7, 8, 9, 10, 11, 12, 13]],
  ['a[b-X]c', [5, 6, 9, 10, 11, 13]],
  ['a[X-b]c', [5, 6, 9, 10, 11, 13]],
  ['a[a-c]c', [5]],
  ['a[\\]]c', [10]],
  ['a[]]c', []],
  ['a[]c', []],
  ['a[^]c', [5, 6, 7, 8, 9, 10, 11, 12, 13]],
  ['a[-]c', [12]],
  ['a[a-]c', []],
  ['a[-a]c', [12]],
  ['a[\\-]c', [12]],
  ['a[', []],
  ['a[b', [3]],
  ['[', []],
  ['[^', [1, 2, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]],
  ['[a', [1]],
  ['[^a', [2, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]],
  ['[]', []],
  ['[]]', []],
  ['[\\', [24]],
  ['\\', [24]],
  ['a\\', []],
  ['\\a', [1]],
  ['[a-\xff]', [1, 16, 17, 19, 20, 21, 22, 23, 24, 25]],
  ['[\xff-a]', [1, 16, 17, 19, 20, 21, 22, 23, 24, 25]],
  ['[\x80-\xff]', [18, 19]],
  ['[^\x80-\xff]', [1, 2, 16, 17, 20, 21, 22, 23, 24, 25]],
  ['*b*b', [15]],
  ['a*b*c', [5]],
  ['*?', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28]],
  ['?*', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28]],
  ['*[', []],
  ['a**c', [5, 6, 7, 8, 9, 10, 11, 12, 13]],
  ['ab*ab', [15]],
  ['[a-c]*[a-c]', [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]],
  ['hel*o', [26]],
  ['h?llo', [26, 28]],
  ['h*', [26, 27, 28]],
  ['*\\', [24]],
  ['[[]', [25]],
  ['[A-b]', [1, 2, 16, 17, 21, 22, 24, 25]],
  ['[Z-a]', [1, 21, 22, 24, 25]],
  ['[^-]', [1, 2, 16, 17, 18, 19, 20, 21, 22, 24, 25]],
  ['[--]', [16, 17, 20, 22, 23, 24, 25]],
];

test('glob matches exactly what Redis 7.0 stringmatchlen matches', () => {
  for (const [pattern, expected] of REDIS_CASES) {
    const got = SUBJECTS.flatMap((subject, index) => (globMatch(pattern, subject) ? [index] : []));
    assert.deepEqual(got, expected, `pattern ${JSON.stringify(pattern)}`);
  }
});

test('the empty string matches only the empty pattern', () => {
  assert.equal(globMatch('', ''), true);
  assert.equal(globMatch('*', ''), false);
  assert.equal(globMatch('**', ''), false);
  assert.equal(globMatch('?', ''), false);
  assert.equal(globMatch('', 'a'), false);
});

test('ranges use signed chars: bytes from 0x80 sort below 0x00', () => {
  assert.equal(globMatch('[a-\xff]', 'b'), false);
  assert.equal(globMatch('[a-\xff]', '0'), true);
  assert.equal(globMatch('[a-\xff]', '\xff'), true);
  assert.equal(globMatch('[a-\xff]', '\x80'), false);
  assert.equal(globMatch('[\x80-\xff]', '\x90'), true);
});

test('nocase folds A-Z only, inside classes after swapping range bounds', () => {
  assert.equal(globMatch('HeLLo', 'hello', true), true);
  assert.equal(globMatch('HeLLo', 'hello'), false);
  assert.equal(globMatch('h[A-Z]llo', 'hello', true), true);
  assert.equal(globMatch('h[E]llo', 'hello', true), true);
  assert.equal(globMatch('h[^E]llo', 'hello', true), false);
  // Bounds 'Z'(90) and 'a'(97) are in order, then fold to 'z'..'a': an empty range.
  assert.equal(globMatch('[Z-a]', 'z', true), false);
  assert.equal(globMatch('[Z-a]', '_', false), true);
  // An escaped char inside a class is compared case-sensitively even with nocase.
  assert.equal(globMatch('[\\E]', 'e', true), false);
  assert.equal(globMatch('\\E', 'e', true), true);
  assert.equal(globMatch('\xc9', '\xe9', true), false);
});

test('unterminated classes and lone escapes follow the C code', () => {
  assert.equal(globMatch('a[bc', 'ab'), true);
  assert.equal(globMatch('a[bc', 'abc'), false);
  assert.equal(globMatch('[^', 'x'), true);
  assert.equal(globMatch('[', '['), false);
  assert.equal(globMatch('a\\', 'a\\'), true);
  assert.equal(globMatch('[\\', '\\'), true);
});

test('many stars stay fast (no exponential backtracking, no recursion)', () => {
  const pattern = 'a*'.repeat(5000) + 'b';
  const subject = 'a'.repeat(20000);
  const started = performance.now();
  assert.equal(globMatch(pattern, subject), false);
  assert.equal(globMatch('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
  assert.equal(globMatch('a*'.repeat(5000), 'a'.repeat(20000)), true);
  assert.ok(performance.now() - started < 2000);
});
