import type { Reply } from '../../src/resp/reply-parser.js';
import { RawClient } from './raw-client.js';

/**
 * A node's whole dataset as JSON records, in the format of the golden fixtures
 * (/work/shared/fixtures/README.md, testdata/*expected.txt): one record per key, sorted by db
 * and key bytes, with type, encoding, pexpiretime and the value read back by commands. Works
 * against Tessera and redis-server alike, so two nodes can be compared key by key.
 */
export type DatasetRecord = Record<string, unknown>;

/** Bytes as the fixtures print them: a string when valid UTF-8, else { hex }. */
export function bytesToJson(latin1: string): unknown {
  const bytes = Buffer.from(latin1, 'latin1');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : { hex: bytes.toString('hex') };
}

function expectType<T extends Reply['type']>(reply: Reply, type: T): Extract<Reply, { type: T }> {
  if (reply.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(reply, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return reply as Extract<Reply, { type: T }>;
}

const str = (reply: Reply): string => (reply.type === 'simple' ? reply.value : expectType(reply, 'bulk').value);
const arr = (reply: Reply): Reply[] => expectType(reply, 'array').value;
const compareBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));

/** XINFO STREAM FULL's flat field lists as objects (integers as numbers, nil as null). */
function infoValue(reply: Reply, mapKeys: ReadonlySet<string>, key?: string): unknown {
  if (reply.type === 'integer') return Number(reply.value);
  if (reply.type === 'null') return null;
  if (reply.type === 'bulk' || reply.type === 'simple') return reply.value;
  if (reply.type !== 'array') return reply;
  if (key !== undefined && mapKeys.has(key)) return reply.value.map((item) => infoObject(item, mapKeys));
  return reply.value.map((item) => infoValue(item, mapKeys));
}

function infoObject(reply: Reply, mapKeys: ReadonlySet<string>): Record<string, unknown> {
  const items = arr(reply);
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < items.length; i += 2) {
    const name = str(items[i] as Reply);
    out[name] = infoValue(items[i + 1] as Reply, mapKeys, name);
  }
  return out;
}

export async function dumpDataset(port: number, databases = 16): Promise<DatasetRecord[]> {
  const client = await RawClient.connect(port);
  try {
    const records: DatasetRecord[] = [];
    for (let db = 0; db < databases; db++) {
      await client.call('SELECT', String(db));
      const keys = arr(await client.call('KEYS', '*')).map(str).sort(compareBytes);
      for (const key of keys) records.push(await dumpKey(client, db, key));
    }
    return records;
  } finally {
    client.close();
  }
}

async function dumpKey(client: RawClient, db: number, key: string): Promise<DatasetRecord> {
  const k = Buffer.from(key, 'latin1');
  const type = expectType(await client.call('TYPE', k), 'simple').value;
  const encoding = str(await client.call('OBJECT', 'ENCODING', k));
  const pexpiretime = Number(expectType(await client.call('PEXPIRETIME', k), 'integer').value);
  const record: DatasetRecord = { db, key: bytesToJson(key), type, encoding, pexpiretime };
  if (type === 'string') {
    const value = str(await client.call('GET', k));
    record.value = bytesToJson(value);
    if (value.startsWith('HYLL')) {
      record.hll_encoding = str(await client.call('PFDEBUG', 'ENCODING', k));
      record.pfcount = Number(expectType(await client.call('PFCOUNT', k), 'integer').value);
    }
  } else if (type === 'list') {
    record.value = arr(await client.call('LRANGE', k, '0', '-1')).map((r) => bytesToJson(str(r)));
  } else if (type === 'set') {
    record.value = arr(await client.call('SMEMBERS', k)).map(str).sort(compareBytes).map(bytesToJson);
  } else if (type === 'hash') {
    const flat = arr(await client.call('HGETALL', k)).map(str);
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
    pairs.sort((a, b) => compareBytes(a[0], b[0]));
    record.value = pairs.map(([f, v]) => [bytesToJson(f), bytesToJson(v)]);
  } else if (type === 'zset') {
    const flat = arr(await client.call('ZRANGE', k, '0', '-1', 'WITHSCORES')).map(str);
    const pairs: unknown[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([bytesToJson(flat[i] as string), flat[i + 1]]);
    record.value = pairs;
  } else if (type === 'stream') {
    record.value = arr(await client.call('XRANGE', k, '-', '+')).map((entry) => {
      const [id, fields] = arr(entry);
      const flat = arr(fields as Reply).map(str);
      const pairs: unknown[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([bytesToJson(flat[i] as string), bytesToJson(flat[i + 1] as string)]);
      return [str(id as Reply), pairs];
    });
    const info = infoObject(await client.call('XINFO', 'STREAM', k, 'FULL', 'COUNT', '0'), new Set(['groups', 'consumers']));
    delete info.entries;
    record.stream = info;
  }
  return record;
}

/** The fixture's records (JSON lines), without fields only Redis's capture has. */
export function parseExpected(text: string, drop: readonly string[] = ['encoding_after_load']): DatasetRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const record = JSON.parse(line) as DatasetRecord;
      for (const name of drop) delete record[name];
      return record;
    });
}
