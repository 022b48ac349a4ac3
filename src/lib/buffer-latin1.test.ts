import { test } from 'node:test';
import assert from 'node:assert/strict';

test('Buffer latin1Write/latin1Slice round-trip every byte value', () => {
  const text = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  const buf = Buffer.alloc(300);
  assert.equal(buf.latin1Write(text, 10), 256);
  assert.equal(buf.latin1Slice(10, 266), text);
  assert.deepEqual([...buf.subarray(10, 266)], Array.from({ length: 256 }, (_, i) => i));
});
