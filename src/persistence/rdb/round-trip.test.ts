import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDumpPayload, encodeDumpPayload } from './dump-payload.js';
import { RdbFileReader } from './rdb-file-reader.js';
import { RdbFileWriter, standardAuxFields } from './rdb-file-writer.js';
import { listOf, sampleValues } from './test-values.js';
import { modelOfValue } from './value-model.js';

for (const compress of [true, false]) {
  test(`DUMP payload round trip of every type and encoding (compress ${compress})`, () => {
    for (const [name, value] of sampleValues()) {
      const payload = encodeDumpPayload(value, { compress });
      const decoded = decodeDumpPayload(payload);
      assert.deepEqual(modelOfValue(decoded), modelOfValue(value), name);
      // Encoding again gives the same bytes: the decoded value keeps what the encoding shows.
      assert.deepEqual(encodeDumpPayload(decoded, { compress }), payload, `${name} re-encoded`);
    }
  });

  test(`RDB file round trip with databases, TTLs, LRU/LFU hints and a function (compress ${compress})`, () => {
    const writer = new RdbFileWriter({ compress, checksum: true });
    writer.header(standardAuxFields({ redisVersion: '7.0.15', nowMs: 1_700_000_000_000, usedMemoryBytes: 1234, aofBase: false }));
    writer.functionLibrary("#!lua name=lib\nredis.register_function('f', function() return 1 end)");
    const values = sampleValues();
    writer.selectDb(0, values.length, 1);
    const chunks: Buffer[] = [];
    values.forEach(([name, value], i) => {
      writer.entry(name, value, i === 0 ? 4102444800123 : undefined, i === 1 ? { idleSeconds: 77 } : i === 2 ? { lfuFreq: 9 } : undefined);
      if (i % 5 === 0) chunks.push(...writer.takeChunks());
    });
    writer.selectDb(15, 1, 0);
    writer.entry('db15-key', 'x');
    writer.end();
    chunks.push(...writer.takeChunks());
    const file = Buffer.concat(chunks);
    assert.equal(file.length, writer.bytesWritten);

    const reader = new RdbFileReader(file);
    const seen = new Map<string, { dbIndex: number; model: unknown; expireAtMs?: number; lruIdleSeconds?: number; lfuFreq?: number }>();
    let fn = '';
    const aux = new Map<string, string>();
    for (let item = reader.next(); item !== null; item = reader.next()) {
      if (item.kind === 'entry') {
        seen.set(item.key, {
          dbIndex: item.dbIndex,
          model: modelOfValue(item.value),
          ...(item.expireAtMs !== undefined ? { expireAtMs: item.expireAtMs } : {}),
          ...(item.lruIdleSeconds !== undefined ? { lruIdleSeconds: item.lruIdleSeconds } : {}),
          ...(item.lfuFreq !== undefined ? { lfuFreq: item.lfuFreq } : {}),
        });
      } else if (item.kind === 'function') fn = item.code;
      else if (item.kind === 'aux') aux.set(item.name, item.value);
    }
    assert.equal(aux.get('redis-ver'), '7.0.15');
    assert.equal(aux.get('ctime'), '1700000000');
    assert.match(fn, /register_function/);
    assert.equal(seen.size, values.length + 1);
    values.forEach(([name, value]) => assert.deepEqual(seen.get(name)?.model, modelOfValue(value), name));
    assert.equal(seen.get('str:empty')?.expireAtMs, 4102444800123);
    assert.equal(seen.get('str:int8')?.lruIdleSeconds, 77);
    assert.equal(seen.get('str:int16')?.lfuFreq, 9);
    assert.equal(seen.get('db15-key')?.dbIndex, 15);
  });
}

test('rdbchecksum no: the file ends with eight zero bytes and still loads', () => {
  const writer = new RdbFileWriter({ compress: true, checksum: false });
  writer.header([]);
  writer.selectDb(0, 1, 0);
  writer.entry('k', 'v');
  writer.end();
  const file = Buffer.concat(writer.takeChunks());
  assert.deepEqual(file.subarray(-8), Buffer.alloc(8));
  const reader = new RdbFileReader(file);
  const kinds: string[] = [];
  for (let item = reader.next(); item !== null; item = reader.next()) kinds.push(item.kind);
  assert.deepEqual(kinds, ['selectDb', 'resizeDb', 'entry', 'end']);
});

test('a key holding an empty container is skipped by the reader, as Redis skips it', () => {
  const writer = new RdbFileWriter({ compress: false, checksum: true });
  writer.header([]);
  writer.selectDb(0, 2, 0);
  writer.entry('empty', listOf([]), 4102444800000);
  writer.entry('full', listOf(['x']));
  writer.end();
  const reader = new RdbFileReader(Buffer.concat(writer.takeChunks()));
  const keys: string[] = [];
  for (let item = reader.next(); item !== null; item = reader.next()) {
    if (item.kind === 'entry') {
      keys.push(item.key);
      assert.equal(item.expireAtMs, undefined, 'the skipped key\'s TTL does not carry over');
    }
  }
  assert.deepEqual(keys, ['full']);
  assert.equal(reader.emptyKeysSkipped, 1);
});

test('list-compress-depth: inner quicklist nodes go out LZF-compressed (even with rdbcompression no) and read back', () => {
  const items = Array.from({ length: 3000 }, (_, i) => `item-${i}-${'abc'.repeat(i % 40)}`);
  const list = listOf(items);
  const raw = encodeDumpPayload(list, { compress: false });
  for (const depth of [1, 2, 5]) {
    const payload = encodeDumpPayload(list, { compress: false, listCompressDepth: depth });
    assert.ok(payload.length < raw.length / 2, `depth ${depth}: ${payload.length} bytes, ${raw.length} uncompressed`);
    assert.deepEqual(modelOfValue(decodeDumpPayload(payload)), modelOfValue(list), `depth ${depth}`);
  }
  // A list of no more than 2 * depth nodes keeps every node raw, as quicklist.c does.
  assert.deepEqual(encodeDumpPayload(list, { compress: false, listCompressDepth: 10_000 }), raw);
  // Nodes under 48 bytes are never compressed.
  const small = listOf(['a', 'b', 'c']);
  assert.deepEqual(encodeDumpPayload(small, { compress: false, listCompressDepth: 1 }), encodeDumpPayload(small, { compress: false }));
});
