import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSavePoints, savePointDue } from './save-points.js';

test('save points parse from the directive value; "" means none', () => {
  assert.deepEqual(parseSavePoints('3600 1 300 100'), [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
  ]);
  assert.deepEqual(parseSavePoints(''), []);
});

test('a point is due with enough changes and strictly more seconds than asked', () => {
  const points = parseSavePoints('3600 1 300 100 60 10000');
  assert.equal(savePointDue(points, 0, 10_000), undefined);
  assert.equal(savePointDue(points, 1, 3600), undefined);
  assert.deepEqual(savePointDue(points, 1, 3601), { seconds: 3600, changes: 1 });
  assert.deepEqual(savePointDue(points, 100, 301), { seconds: 300, changes: 100 });
  assert.equal(savePointDue(points, 9999, 61), undefined);
  assert.deepEqual(savePointDue(points, 10_000, 61), { seconds: 60, changes: 10000 });
});
