import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLuaNumber } from './lua-numbers.js';

test('formatLuaNumber prints like C printf("%.14g") (Lua 5.1 tostring)', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [2, '2'],
    [3.5, '3.5'],
    [-0.5, '-0.5'],
    [0.1, '0.1'],
    [10 / 3, '3.3333333333333'],
    [2 ** 53, '9.007199254741e+15'],
    [1e100, '1e+100'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [123456789012345, '1.2345678901234e+14'],
    [12345678901234, '12345678901234'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  for (const [value, text] of cases) assert.equal(formatLuaNumber(value), text, String(value));
});
