import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  EXTERNAL_STRING_MIN_BYTES,
  externalStringBytes,
  externalStringGcRequests,
  externalStringsEnabled,
  isExternalString,
  largeLatin1,
} from './external-strings.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Every byte value, repeated to `length` bytes, at an offset inside a bigger buffer. */
function bytesBuffer(length: number, offset: number): Buffer {
  const buffer = Buffer.alloc(offset + length + 7, 0x2a);
  for (let i = 0; i < length; i++) buffer[offset + i] = (i * 7 + 3) & 0xff;
  return buffer;
}

test('the native module is built and loaded (npm ci builds it: scripts/build-native.mjs)', () => {
  assert.ok(
    externalStringsEnabled || process.env.TESSERA_NATIVE_STRINGS === 'off',
    'native/build/Release/tessera_strings.node did not load: run `node scripts/build-native.mjs` and read its output',
  );
});

test('largeLatin1 returns the exact bytes of the range, one char per byte, as an external string', () => {
  for (const length of [EXTERNAL_STRING_MIN_BYTES, 1024, 70_000]) {
    const buffer = bytesBuffer(length, 5);
    const text = largeLatin1(buffer, 5, 5 + length);
    assert.equal(text.length, length);
    assert.equal(text, buffer.latin1Slice(5, 5 + length));
    assert.deepEqual(Buffer.from(text, 'latin1'), buffer.subarray(5, 5 + length));
    assert.equal(isExternalString(text), externalStringsEnabled);
  }
  assert.equal(largeLatin1(Buffer.alloc(4), 2, 2), '');
});

test('largeLatin1 rejects a range outside the buffer instead of reading past it', { skip: !externalStringsEnabled }, () => {
  const buffer = Buffer.alloc(600);
  assert.throws(() => largeLatin1(buffer, 0, 601), RangeError);
  assert.throws(() => largeLatin1(buffer, 10, 5), RangeError);
});

test('external string bytes are counted while the strings live and released when V8 collects them', { skip: !externalStringsEnabled }, () => {
  gc();
  const before = externalStringBytes();
  const buffer = bytesBuffer(10_000, 0);
  let kept: string[] = [];
  for (let i = 0; i < 100; i++) kept.push(largeLatin1(buffer, 0, 10_000));
  assert.ok(externalStringBytes() - before >= 1_000_000, `counted ${externalStringBytes() - before} bytes for 1,000,000`);
  assert.equal(kept[99], buffer.latin1Slice(0, 10_000));
  const held = externalStringBytes();
  kept = [];
  gc();
  // At least 99 of the 100: the last one compared may still be referenced from the stack.
  assert.ok(held - externalStringBytes() >= 990_000, `a full GC released ${held - externalStringBytes()} of 1,000,000 bytes`);
});

test('growth of external bytes past the threshold starts a major GC', { skip: !externalStringsEnabled }, () => {
  gc();
  const requestsBefore = externalStringGcRequests();
  const buffer = bytesBuffer(1024 * 1024, 0);
  // 80 MB held: more than the 64 MB minimum growth since the last major GC.
  const kept: string[] = [];
  for (let i = 0; i < 80; i++) kept.push(largeLatin1(buffer, 0, buffer.length - 7));
  assert.ok(externalStringGcRequests() > requestsBefore, 'no major GC was requested after 80 MB of external strings');
  assert.equal(kept.length, 80);
});

test("V8's external memory figure (what used_memory reads) counts external strings' bytes once", { skip: !externalStringsEnabled }, () => {
  gc();
  const before = getHeapStatistics().external_memory;
  const buffer = bytesBuffer(1024 * 1024, 0);
  const kept: string[] = [];
  for (let i = 0; i < 20; i++) kept.push(largeLatin1(buffer, 0, buffer.length - 7));
  const grown = getHeapStatistics().external_memory - before;
  assert.ok(grown >= 20 * (1024 * 1024 - 7) && grown < 30 * 1024 * 1024, `external_memory grew ${grown} bytes for 20 MB of external strings`);
  assert.equal(kept.length, 20);
});

test('strings made after others died reuse their resources without touching the survivors', { skip: !externalStringsEnabled }, () => {
  // Resources of dead strings go back to a pool (native/external-strings.cc) and are handed to
  // new strings: every survivor and every new string must still read its own bytes.
  const length = EXTERNAL_STRING_MIN_BYTES + 11;
  const make = (n: number): string => {
    const buffer = Buffer.alloc(length);
    buffer.writeUInt32BE(n, 0);
    buffer.fill(n & 0xff, 4);
    return largeLatin1(buffer, 0, length);
  };
  const expected = (n: number): string => {
    const buffer = Buffer.alloc(length);
    buffer.writeUInt32BE(n, 0);
    buffer.fill(n & 0xff, 4);
    return buffer.latin1Slice(0, length);
  };
  gc();
  const liveBefore = externalStringBytes();
  let strings: Array<string | undefined> = Array.from({ length: 20_000 }, (_, n) => make(n));
  // Two of three die; their resources return to the pool at the collection.
  strings = strings.map((text, n) => (n % 3 === 0 ? text : undefined));
  gc();
  const reused = Array.from({ length: 20_000 }, (_, n) => make(100_000 + n));
  for (let n = 0; n < strings.length; n++) if (n % 3 === 0) assert.equal(strings[n], expected(n), `survivor ${n}`);
  for (let n = 0; n < reused.length; n++) assert.equal(reused[n], expected(100_000 + n), `new string ${n}`);
  assert.ok(isExternalString(reused[0] as string));
  const kept = Math.ceil(20_000 / 3) + 20_000;
  assert.equal(externalStringBytes() - liveBefore, kept * length);
});
