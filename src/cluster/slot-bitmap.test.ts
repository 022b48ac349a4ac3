import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSlot, countSlots, emptySlotBitmap, hasSlot, slotBitmapFromRanges, slotRanges } from './slot-bitmap.js';

test('slot s is bit (s & 7) of byte (s >> 3), like clusterNodeGetSlotBit', () => {
  const bitmap = emptySlotBitmap();
  addSlot(bitmap, 0);
  addSlot(bitmap, 9);
  addSlot(bitmap, 16383);
  assert.equal(bitmap[0], 0b1);
  assert.equal(bitmap[1], 0b10);
  assert.equal(bitmap[2047], 0b1000_0000);
  assert.ok(hasSlot(bitmap, 9) && !hasSlot(bitmap, 8));
  assert.equal(countSlots(bitmap), 3);
});

test('slotRanges returns maximal runs, including one that ends at the last slot', () => {
  const ranges = [
    { start: 0, end: 0 },
    { start: 5, end: 5460 },
    { start: 10923, end: 16383 },
  ];
  const bitmap = slotBitmapFromRanges(ranges);
  assert.deepEqual(slotRanges(bitmap), ranges);
  assert.equal(countSlots(bitmap), 1 + 5456 + 5461);
  assert.deepEqual(slotRanges(emptySlotBitmap()), []);
});
