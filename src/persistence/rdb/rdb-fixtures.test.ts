import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RdbFileReader, type RdbItem } from './rdb-file-reader.js';
import { RdbFileWriter } from './rdb-file-writer.js';
import { decodeDumpPayload, encodeDumpPayload } from './dump-payload.js';
import { fixtureBytes, fixtureValue, modelOfValue } from './value-model.js';

const TESTDATA = new URL('../../../../src/persistence/rdb/testdata/', import.meta.url);

function testdata(name: string): Buffer {
  return readFileSync(new URL(name, TESTDATA));
}

interface FixtureKey {
  db: number;
  key: unknown;
  type: string;
  encoding: string;
  encoding_after_load?: string;
  pexpiretime: number;
  value: unknown;
  stream?: Record<string, unknown>;
}

function fixtureKeys(name: string): FixtureKey[] {
  return testdata(name)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as FixtureKey);
}

function readAll(buffer: Buffer): RdbItem[] {
  const reader = new RdbFileReader(buffer);
  const items: RdbItem[] = [];
  for (let item = reader.next(); item !== null; item = reader.next()) items.push(item);
  return items;
}

/** The fixture's stream info without what is computed rather than stored. */
function storedStreamInfo(info: Record<string, unknown>): unknown {
  const copy: Record<string, unknown> = { ...info };
  delete copy['radix-tree-nodes'];
  const groups = copy['groups'] as Array<Record<string, unknown>>;
  copy['groups'] = groups.map((group) => {
    const g = { ...group };
    delete g['lag'];
    return g;
  });
  return fixtureValue(copy);
}

function checkAgainstFixture(items: RdbItem[], expected: FixtureKey[]): void {
  const entries = items.filter((item) => item.kind === 'entry');
  assert.equal(entries.length, expected.length);
  const byKey = new Map<string, (typeof entries)[number]>();
  for (const entry of entries) byKey.set(`${entry.dbIndex}:${entry.key}`, entry);
  for (const want of expected) {
    const key = fixtureBytes(want.key);
    const entry = byKey.get(`${want.db}:${key}`);
    assert.ok(entry !== undefined, `key ${key} in db ${want.db}`);
    const model = modelOfValue(entry.value);
    assert.equal(model.type, want.type, key);
    assert.equal(model.encoding, want.encoding_after_load ?? want.encoding, `${key} encoding after load`);
    assert.deepEqual(model.value, fixtureValue(want.value), key);
    assert.equal(entry.expireAtMs ?? -1, want.pexpiretime, `${key} expire`);
    if (want.stream !== undefined) assert.deepEqual(model.stream, storedStreamInfo(want.stream), `${key} stream info`);
  }
}

test('all-types.rdb (rdbcompression yes) loads every key, type, value, TTL and encoding', () => {
  const items = readAll(testdata('all-types.rdb'));
  const aux = new Map(items.flatMap((item) => (item.kind === 'aux' ? [[item.name, item.value] as const] : [])));
  assert.equal(aux.get('redis-ver'), '7.0.15');
  assert.equal(aux.get('redis-bits'), '64');
  assert.deepEqual(
    items.filter((item) => item.kind === 'selectDb').map((item) => (item.kind === 'selectDb' ? item.dbIndex : -1)),
    [0, 3],
  );
  assert.equal(items.at(-1)?.kind, 'end');
  checkAgainstFixture(items, fixtureKeys('all-types.txt'));
});

test('all-types-nocompress.rdb loads identically', () => {
  checkAgainstFixture(readAll(testdata('all-types-nocompress.rdb')), fixtureKeys('all-types.txt'));
});

test('empty.rdb has aux fields and no keys', () => {
  const items = readAll(testdata('empty.rdb'));
  assert.ok(items.some((item) => item.kind === 'aux' && item.name === 'redis-ver'));
  assert.equal(items.filter((item) => item.kind === 'entry').length, 0);
  assert.equal(items.at(-1)?.kind, 'end');
});

test('list-plain-nodes.rdb: quicklist PLAIN nodes load as elements', () => {
  const items = readAll(testdata('list-plain-nodes.rdb'));
  checkAgainstFixture(items, fixtureKeys('list-plain-nodes.txt'));
  const payload = Buffer.from(testdata('list-plain-nodes.dump.hex').toString('latin1').trim(), 'hex');
  const value = decodeDumpPayload(payload);
  const want = fixtureKeys('list-plain-nodes.txt')[0] as FixtureKey;
  assert.deepEqual(modelOfValue(value).value, fixtureValue(want.value));
});

test('function.rdb: the library source (FUNCTION2 opcode) and the key after it', () => {
  const items = readAll(testdata('function.rdb'));
  const lines = testdata('function.txt').toString('utf8').split('\n');
  const source = JSON.parse(lines[lines.indexOf('# FUNCTION LOAD source of the library stored in the RDB (JSON string)') + 1] as string) as string;
  const fn = items.find((item) => item.kind === 'function');
  assert.ok(fn !== undefined && fn.kind === 'function');
  assert.equal(fn.code, Buffer.from(source, 'utf8').toString('latin1'));
  checkAgainstFixture(items, fixtureKeys('function.txt'));
});

interface DumpLine {
  key: string;
  type: string;
  encoding: string;
  payload: Buffer;
}

function dumpLines(name: string): DumpLine[] {
  return testdata(name)
    .toString('latin1')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [key, type, encoding, hex] = line.split('\t') as [string, string, string, string];
      return { key: Buffer.from(key, 'latin1').toString('latin1'), type, encoding, payload: Buffer.from(hex, 'hex') };
    });
}

for (const [file, compress] of [
  ['dumps.txt', true],
  ['dumps-nocompress.txt', false],
] as const) {
  test(`${file}: every payload decodes to the fixture's value`, () => {
    const expected = new Map<string, FixtureKey>();
    for (const want of fixtureKeys('all-types.txt')) expected.set(fixtureBytes(want.key), want);
    for (const line of dumpLines(file)) {
      const key = Buffer.from(line.key, 'utf8').toString('latin1');
      const want = expected.get(key);
      assert.ok(want !== undefined, key);
      const model = modelOfValue(decodeDumpPayload(line.payload));
      assert.equal(model.type, want.type, key);
      assert.deepEqual(model.value, fixtureValue(want.value), key);
      if (want.stream !== undefined) assert.deepEqual(model.stream, storedStreamInfo(want.stream), key);
    }
  });

  test(`${file}: DUMP of the decoded value is byte-equal to Redis's where Redis is deterministic`, () => {
    const differing: string[] = [];
    for (const line of dumpLines(file)) {
      const value = decodeDumpPayload(line.payload);
      const ours = encodeDumpPayload(value, { compress });
      // hashtable sets and hashes: Redis writes its dict's order, which is not reproducible.
      if (line.encoding === 'hashtable') continue;
      if (!ours.equals(line.payload)) differing.push(line.key);
    }
    assert.deepEqual(differing, []);
  });
}

/** Reads a file and writes its items back through RdbFileWriter. */
function rewrite(buffer: Buffer, compress: boolean): Buffer {
  const items = readAll(buffer);
  const writer = new RdbFileWriter({ compress, checksum: true });
  writer.header(items.flatMap((item) => (item.kind === 'aux' ? [[item.name, item.value] as const] : [])));
  let pendingDb: number | undefined;
  for (const item of items) {
    if (item.kind === 'selectDb') pendingDb = item.dbIndex;
    else if (item.kind === 'resizeDb') writer.selectDb(pendingDb ?? 0, item.keyCount, item.expiresCount);
    else if (item.kind === 'function') writer.functionLibrary(item.code);
    else if (item.kind === 'entry') writer.entry(item.key, item.value, item.expireAtMs);
  }
  writer.end();
  return Buffer.concat(writer.takeChunks());
}

test('empty.rdb and function.rdb written back through RdbFileWriter are byte for byte the same files', () => {
  for (const name of ['empty.rdb', 'function.rdb']) {
    const original = testdata(name);
    assert.deepEqual(rewrite(original, true), original, name);
  }
});
