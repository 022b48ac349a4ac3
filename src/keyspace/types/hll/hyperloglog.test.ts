import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawString } from '../../raw-string.js';
import { denseGetRegister, denseSetRegister } from './dense.js';
import { hllAdd, hllCount, hllCountRegisters, hllMergeInto, patternLength, patternRegister } from './hyperloglog.js';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  hllEncoding,
  invalidateCache,
  isCacheValid,
  isValidHllHeader,
  isValidHllText,
  readCachedCardinality,
  writeCachedCardinality,
} from './layout.js';
import { HLL_HASH_SEED, hashHi, murmurHash64A, murmurHash64AOfU64 } from './murmur-hash-64a.js';
import * as wasm from './murmur-wasm.js';
import { redisDenseHll, redisSparseHll } from './redis-golden.fixture.js';
import { decodeSparse, emptySparseHll, sparseToDense } from './sparse.js';

const SPARSE_MAX_BYTES = 3000;

/** MurmurHash64A written plainly with BigInt, to check the 32-bit-halves version. */
function referenceMurmur(bytes: Buffer, seed: bigint): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  let h = (seed ^ (BigInt(bytes.length) * m)) & mask;
  const end = bytes.length - (bytes.length & 7);
  for (let i = 0; i < end; i += 8) {
    let k = bytes.readBigUInt64LE(i);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const rest = bytes.length & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(bytes[end + j] as number) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

/** A deterministic byte generator (xorshift32). */
function bytesGenerator(seed: number): (length: number) => Buffer {
  let state = seed;
  return (length) => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out[i] = state & 0xff;
    }
    return out;
  };
}

function hllFromElements(elements: readonly string[], sparseMaxBytes = SPARSE_MAX_BYTES): RawString {
  const raw = new RawString(emptySparseHll());
  for (const element of elements) assert.notEqual(hllAdd(raw, element, sparseMaxBytes), -1);
  invalidateCache(raw.bytes);
  return raw;
}

/** What PFCOUNT leaves in the value: the count written into the cache. */
function refreshCache(raw: RawString): number | bigint {
  const count = hllCount(raw.bytes, raw.length);
  assert.notEqual(count, null);
  writeCachedCardinality(raw.bytes, count as number | bigint);
  return count as number | bigint;
}

const hex = (raw: RawString) => raw.bytes.subarray(0, raw.length).toString('hex');

test('murmurHash64A equals the 64-bit reference for every tail length and binary bytes', () => {
  const nextBytes = bytesGenerator(12345);
  for (let length = 0; length < 70; length++) {
    for (let round = 0; round < 20; round++) {
      const bytes = nextBytes(length);
      const lo = murmurHash64A(bytes.toString('latin1'), HLL_HASH_SEED);
      const got = (BigInt(hashHi) << 32n) | BigInt(lo);
      assert.equal(got, referenceMurmur(bytes, 0xadc83b19n), `length ${length}`);
    }
  }
});

test('the WebAssembly murmurHash64A equals the 64-bit reference for every tail length, binary bytes, and elements past its memory', () => {
  const nextBytes = bytesGenerator(777);
  const lengths = [...Array.from({ length: 70 }, (_, i) => i), 1000, 65_511, 65_512, 65_513, 70_000];
  for (const length of lengths) {
    for (let round = 0; round < (length < 70 ? 20 : 2); round++) {
      const bytes = nextBytes(length);
      const lo = wasm.murmurHash64A(bytes.toString('latin1'), HLL_HASH_SEED);
      const got = (BigInt(wasm.hashHi) << 32n) | BigInt(lo);
      assert.equal(got, referenceMurmur(bytes, 0xadc83b19n), `length ${length}`);
    }
  }
});

test('murmurHash64AOfU64 hashes the 8 little-endian bytes of a u64 like murmurHash64A', () => {
  const nextBytes = bytesGenerator(7);
  for (let round = 0; round < 500; round++) {
    const bytes = nextBytes(8);
    const lo = murmurHash64AOfU64(bytes.readUInt32LE(0), bytes.readUInt32LE(4), HLL_HASH_SEED);
    const got = (BigInt(hashHi) << 32n) | BigInt(lo);
    assert.equal(got, referenceMurmur(bytes, 0xadc83b19n));
  }
});

test('patternLength takes the register from the low 14 bits and counts the run above them', () => {
  const nextBytes = bytesGenerator(99);
  for (let round = 0; round < 2000; round++) {
    const text = nextBytes(round % 23).toString('latin1');
    const hash = referenceMurmur(Buffer.from(text, 'latin1'), 0xadc83b19n);
    let rest = (hash >> 14n) | (1n << 50n);
    let expected = 1;
    while ((rest & 1n) === 0n) {
      rest >>= 1n;
      expected++;
    }
    assert.equal(patternLength(text), expected);
    assert.equal(patternRegister, Number(hash & 16383n));
  }
});

test('PFADD a b c d e builds the sparse bytes Redis 7.0.15 wrote, and the count 5', () => {
  const raw = hllFromElements(redisSparseHll.elements);
  assert.equal(hllEncoding(raw.bytes), HLL_SPARSE);
  assert.equal(refreshCache(raw), redisSparseHll.pfcount);
  assert.equal(hex(raw), redisSparseHll.hex);
});

test('3000 elements promote to dense with the exact bytes and count Redis wrote', () => {
  const raw = hllFromElements(redisDenseHll.elements);
  assert.equal(hllEncoding(raw.bytes), HLL_DENSE);
  assert.equal(raw.length, HLL_DENSE_SIZE);
  assert.equal(refreshCache(raw), redisDenseHll.pfcount);
  assert.equal(hex(raw), redisDenseHll.hex);
});

test("Redis's values decode: header checks, cached counts, recount, sparse opcodes", () => {
  const sparse = Buffer.from(redisSparseHll.hex, 'hex');
  const dense = Buffer.from(redisDenseHll.hex, 'hex');
  for (const [bytes, count] of [
    [sparse, redisSparseHll.pfcount],
    [dense, redisDenseHll.pfcount],
  ] as const) {
    assert.ok(isValidHllHeader(bytes, bytes.length));
    assert.ok(isValidHllText(bytes.toString('latin1')));
    assert.ok(isCacheValid(bytes));
    assert.equal(readCachedCardinality(bytes), count);
    assert.equal(hllCount(bytes, bytes.length), count);
  }
  // PFDEBUG DECODE of the same value on redis-server 7.0.15.
  assert.equal(decodeSparse(sparse, sparse.length), 'Z:7292 v:1,1 Z:1143 v:1,1 Z:4274 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603');
  const promoted = sparseToDense(sparse, sparse.length);
  assert.ok(promoted !== null);
  assert.equal(hllCount(promoted, HLL_DENSE_SIZE), 5);
  assert.equal(readCachedCardinality(promoted), 5);
});

test('header validation rejects short, unknown-encoding and wrong-size dense values', () => {
  const dense = Buffer.from(redisDenseHll.hex, 'hex');
  assert.equal(isValidHllHeader(dense, dense.length - 1), false);
  assert.equal(isValidHllText(dense.toString('latin1').slice(0, -1)), false);
  assert.equal(isValidHllText('HYLL\x02' + '\x00'.repeat(11)), false);
  assert.equal(isValidHllText('HYLL\x01' + '\x00'.repeat(10)), false);
  assert.equal(isValidHllText('HYLL\x01' + '\x00'.repeat(11)), true);
  assert.equal(isValidHllText('HYLX\x01' + '\x00'.repeat(11)), false);
});

test('corrupt sparse values are detected by count, merge, conversion and add', () => {
  // Header only: the opcodes cover 0 registers.
  const empty = Buffer.from('HYLL\x01' + '\x00'.repeat(11), 'latin1');
  assert.equal(hllCount(empty, empty.length), null);
  assert.equal(hllMergeInto(new Uint8Array(HLL_REGISTERS), empty, empty.length), false);
  assert.equal(sparseToDense(empty, empty.length), null);
  assert.equal(hllAdd(new RawString(empty), 'x', SPARSE_MAX_BYTES), -1);
  // All 16384 registers, then a VAL beyond them: corrupt (the reference server's CVE fix).
  const valPastEnd = Buffer.concat([empty, Buffer.from([0x7f, 0xff, 0x80])]);
  assert.equal(hllMergeInto(new Uint8Array(HLL_REGISTERS), valPastEnd, valPastEnd.length), false);
  assert.equal(sparseToDense(valPastEnd, valPastEnd.length), null);
  assert.equal(hllCount(valPastEnd, valPastEnd.length), null);
});

test('dense registers keep their neighbours intact', () => {
  const bytes = Buffer.alloc(HLL_DENSE_SIZE);
  const values = Array.from({ length: HLL_REGISTERS }, (_, i) => (i * 37 + 11) % 64);
  values.forEach((value, i) => denseSetRegister(bytes, i, value));
  values.forEach((value, i) => assert.equal(denseGetRegister(bytes, i), value));
});

test('sparse and dense agree on counts at every size, and merged registers count the union', () => {
  const elements = Array.from({ length: 20000 }, (_, i) => `e:${i}`);
  const sparse = new RawString(emptySparseHll());
  const dense = new RawString(sparseToDense(emptySparseHll(), 18) as Buffer);
  dense.length = HLL_DENSE_SIZE;
  for (let i = 0; i < elements.length; i++) {
    hllAdd(sparse, elements[i] as string, 1_000_000);
    hllAdd(dense, elements[i] as string, 0);
    if ((i & 1023) === 0 || i === elements.length - 1) {
      assert.equal(hllCount(sparse.bytes, sparse.length), hllCount(dense.bytes, dense.length), `after ${i + 1}`);
    }
  }
  assert.equal(hllEncoding(sparse.bytes), HLL_SPARSE);
  const max = new Uint8Array(HLL_REGISTERS);
  assert.ok(hllMergeInto(max, sparse.bytes, sparse.length));
  assert.equal(hllCountRegisters(max), hllCount(dense.bytes, dense.length));
  const estimate = Number(hllCountRegisters(max));
  assert.ok(Math.abs(estimate - 20000) < 20000 * 0.05, `estimate ${estimate}`);
});
