import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryTracker, bytesToHuman } from './memory-tracker.js';

test('bytesToHuman follows Redis', () => {
  assert.equal(bytesToHuman(0), '0B');
  assert.equal(bytesToHuman(1023), '1023B');
  assert.equal(bytesToHuman(965824), '943.19K');
  assert.equal(bytesToHuman(12292096), '11.72M');
  assert.equal(bytesToHuman(25276502016), '23.54G');
});

test('MemoryTracker reports heapUsed + external and never lets the peak fall', () => {
  const tracker = new MemoryTracker();
  const first = tracker.snapshot();
  const usage = process.memoryUsage();
  assert.ok(Math.abs(first.usedBytes - (usage.heapUsed + usage.external)) < 5_000_000);
  assert.ok(first.peakBytes >= first.usedBytes);
  const held = Buffer.alloc(8 * 1024 * 1024, 1);
  const second = tracker.snapshot();
  assert.ok(second.usedBytes >= first.usedBytes + held.length - 1_000_000, 'Buffers count through external');
  assert.ok(second.peakBytes >= second.usedBytes);
});
