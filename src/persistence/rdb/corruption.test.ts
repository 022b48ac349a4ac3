import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ReplyError } from '../../lib/errors.js';
import { crc64 } from './crc64.js';
import { decodeDumpPayload, encodeDumpPayload } from './dump-payload.js';
import { RdbFileReader } from './rdb-file-reader.js';
import { RdbFormatError } from './rdb-format-error.js';
import { sampleValues } from './test-values.js';

const TESTDATA = new URL('../../../../src/persistence/rdb/testdata/', import.meta.url);
const ALL_TYPES = readFileSync(new URL('all-types.rdb', TESTDATA));
const NOCOMPRESS = readFileSync(new URL('all-types-nocompress.rdb', TESTDATA));

/** Reads a whole file; returns the error it ended with, or null. Bounded: a file has at most this many items. */
function readFile(buffer: Buffer): Error | null {
  try {
    const reader = new RdbFileReader(buffer);
    for (let items = 0; items < 100_000; items++) if (reader.next() === null) return null;
    throw new Error('reader did not finish');
  } catch (error) {
    return error as Error;
  }
}

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
}

test('a truncated file fails with RdbFormatError at an offset within the file', () => {
  const next = lcg(7);
  for (let i = 0; i < 300; i++) {
    const cut = i < 40 ? i : next() % ALL_TYPES.length;
    const error = readFile(ALL_TYPES.subarray(0, cut));
    assert.ok(error instanceof RdbFormatError, `cut at ${cut}: ${String(error)}`);
    assert.ok(error.offset >= 0 && error.offset <= cut, `cut at ${cut}: offset ${error.offset}`);
    assert.match(error.message, /at byte offset \d+/);
  }
});

test('bit flips give RdbFormatError (or, where the value still parses, the checksum catches them)', () => {
  const next = lcg(99);
  for (const file of [ALL_TYPES, NOCOMPRESS]) {
    for (let i = 0; i < 400; i++) {
      const broken = Buffer.from(file);
      const flips = 1 + (next() % 3);
      for (let f = 0; f < flips; f++) {
        const at = 9 + (next() % (broken.length - 9));
        broken[at] = (broken[at] as number) ^ (1 << (next() % 8));
      }
      const error = readFile(broken);
      assert.ok(error instanceof RdbFormatError, `flip ${i}: ${String(error)}\n${error?.stack ?? ''}`);
    }
  }
});

test('errors name the key being read', () => {
  // Truncate in the middle of the value of a known key.
  const keyAt = ALL_TYPES.indexOf('zset:skiplist-longmember');
  const error = readFile(ALL_TYPES.subarray(0, keyAt + 40));
  assert.ok(error instanceof RdbFormatError);
  assert.equal(error.key, 'zset:skiplist-longmember');
});

test('wrong signature, a newer version and a wrong checksum are refused like Redis', () => {
  assert.throws(() => new RdbFileReader(Buffer.from('RODIS0010')), /Wrong signature/);
  assert.throws(() => new RdbFileReader(Buffer.from('REDIS0011\xff')), /Can't handle RDB format version 11/);
  const bad = Buffer.from(ALL_TYPES);
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
  assert.match(String(readFile(bad)), /Wrong RDB checksum/);
});

test('DUMP payloads: any corruption is a ReplyError with Redis\'s messages, never a crash', () => {
  const next = lcg(3);
  for (const [name, value] of sampleValues()) {
    const payload = encodeDumpPayload(value, { compress: true });
    for (let i = 0; i < 20; i++) {
      const broken = Buffer.from(payload.subarray(0, payload.length - (i % 3 === 0 ? 1 + (next() % payload.length) : 0)));
      if (broken.length > 0) {
        const at = next() % broken.length;
        broken[at] = (broken[at] as number) ^ (1 << (next() % 8));
      }
      try {
        decodeDumpPayload(broken);
      } catch (error) {
        assert.ok(error instanceof ReplyError, `${name}: ${String(error)}`);
        assert.match(error.message, /^ERR (DUMP payload version or checksum are wrong|Bad data format)$/);
      }
    }
  }
});

test('DUMP payloads corrupted under a valid checksum: decoded or "Bad data format", never a crash', () => {
  const next = lcg(11);
  for (const [name, value] of sampleValues()) {
    const payload = encodeDumpPayload(value, { compress: next() % 2 === 0 });
    const body = payload.subarray(0, payload.length - 10);
    for (let i = 0; i < 60; i++) {
      const broken = Buffer.from(i % 4 === 0 ? body.subarray(0, next() % body.length) : body);
      for (let f = 0; f < 1 + (i % 3); f++) {
        if (broken.length === 0) break;
        const at = next() % broken.length;
        broken[at] = (broken[at] as number) ^ (1 << (next() % 8));
      }
      const footer = Buffer.from([10, 0]);
      const withVersion = Buffer.concat([broken, footer]);
      const crc = Buffer.alloc(8);
      crc.writeBigUInt64LE(crc64(withVersion));
      try {
        decodeDumpPayload(Buffer.concat([withVersion, crc]));
      } catch (error) {
        assert.ok(error instanceof ReplyError, `${name} #${i}: ${String(error)}\n${(error as Error).stack ?? ''}`);
        assert.equal(error.message, 'ERR Bad data format');
      }
    }
  }
});
