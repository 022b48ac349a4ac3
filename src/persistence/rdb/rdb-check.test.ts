import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkRdb } from './rdb-check.js';

const TESTDATA = new URL('../../../../src/persistence/rdb/testdata/', import.meta.url);
const ALL_TYPES = readFileSync(new URL('all-types.rdb', TESTDATA));

test('a good file: OK, with key, expire, type and database counts', () => {
  const result = checkRdb(ALL_TYPES, 'all-types.rdb', 0);
  assert.equal(result.ok, true);
  assert.ok(result.lines.includes('[offset 69182] \\o/ RDB looks OK! \\o/'));
  assert.ok(result.lines.includes('[info] 54 keys read'));
  assert.ok(result.lines.includes('[info] 5 expires'));
  assert.ok(result.lines.includes('[info] db 3: 6 keys'));
  assert.ok(result.lines.includes('[info] 4 stream keys'));
});

test('a truncated file: where it breaks, the key and the reason', () => {
  const result = checkRdb(ALL_TYPES.subarray(0, 30000), 'cut.rdb', 0);
  assert.equal(result.ok, false);
  const at = result.lines.indexOf('--- RDB ERROR DETECTED ---');
  assert.ok(at > 0);
  assert.equal(result.lines[at + 1], '[offset 17346] unexpected end of data reading a string value (41433 bytes needed, 12654 left)');
  assert.equal(result.lines[at + 2], "[additional info] Reading key 'str:100k'");
  assert.ok(result.lines.includes('[info] 33 keys read'));
});

test('a bad checksum and a bad header are reported', () => {
  const bad = Buffer.from(ALL_TYPES);
  bad[100] = (bad[100] as number) ^ 0x40;
  const flipped = checkRdb(bad, 'x.rdb', 0);
  assert.equal(flipped.ok, false);
  const header = checkRdb(Buffer.from('REDIS0042'), 'x.rdb', 0);
  assert.equal(header.ok, false);
  assert.ok(header.lines.some((line) => line.includes("Can't handle RDB format version 42")));
});
