import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDouble17g } from './format-double.js';

test('formats like printf %.17g', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [1.5, '1.5'],
    [1.1, '1.1000000000000001'],
    [0.1, '0.10000000000000001'],
    [-2.5, '-2.5'],
    [100, '100'],
    [1e16, '10000000000000000'],
    [1e17, '1e+17'],
    [1.25e20, '1.25e+20'],
    [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'],
    [123456789.123, '123456789.123'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [3.14159, '3.1415899999999999'],
    [5e-324, '4.9406564584124654e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
  ];
  for (const [value, expected] of cases) assert.equal(formatDouble17g(value), expected, String(value));
});
