import { encodingOfValue, typeOfValue, type StoredValue } from '../../keyspace/stored-value.js';
import { HashValue } from '../../keyspace/types/hash/hash-value.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import { SetValue } from '../../keyspace/types/set/set-value.js';
import { formatId, MAX_ID, MIN_ID } from '../../keyspace/types/stream/stream-id.js';
import { StreamValue } from '../../keyspace/types/stream/stream.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import { formatDouble17g } from '../../resp/format-double.js';

/**
 * A value as plain data, in the shape of the golden fixtures' JSON lines (all-types.txt): what
 * a client would read back (LRANGE, SMEMBERS sorted, HGETALL sorted, ZRANGE WITHSCORES, XRANGE
 * and XINFO STREAM FULL). Byte strings are latin1 JS strings. Tests and `tessera rdb check
 * --dump` compare and print values through it.
 */
export interface ValueModel {
  type: string;
  encoding: string;
  value: unknown;
  stream?: unknown;
}

function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function modelOfValue(value: StoredValue): ValueModel {
  const type = typeOfValue(value);
  const encoding = encodingOfValue(value);
  if (typeof value === 'string') return { type, encoding, value };
  if (!(typeof value === 'object')) return { type, encoding, value };
  if (value instanceof ListValue) return { type, encoding, value: value.toArray() };
  if (value instanceof SetValue) return { type, encoding, value: [...value.members].sort(byBytes) };
  if (value instanceof HashValue) {
    const pairs: Array<[string, string]> = [];
    value.forEach((field, v) => pairs.push([field, v]));
    pairs.sort((a, b) => byBytes(a[0], b[0]));
    return { type, encoding, value: pairs };
  }
  if (value instanceof SortedSet) {
    const pairs: Array<[string, string]> = [];
    for (const [member, score] of value.entries()) pairs.push([member, formatDouble17g(score)]);
    return { type, encoding, value: pairs };
  }
  if (value instanceof StreamValue) return { type, encoding, value: streamEntries(value), stream: streamInfo(value) };
  return { type, encoding, value: value.toString() };
}

function streamEntries(stream: StreamValue): unknown[] {
  const entries: unknown[] = [];
  stream.range(MIN_ID, MAX_ID, false, (ms, seq, fields) => {
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < fields.length; i += 2) pairs.push([fields[i] as string, fields[i + 1] as string]);
    entries.push([`${ms}-${seq}`, pairs]);
    return true;
  });
  return entries;
}

/** XINFO STREAM FULL COUNT 0 without entries, lag and radix-tree-nodes (computed, not stored). */
function streamInfo(stream: StreamValue): unknown {
  return {
    length: stream.length,
    'radix-tree-keys': stream.nodes.length,
    'last-generated-id': formatId(stream.lastId),
    'max-deleted-entry-id': formatId(stream.maxDeletedId),
    'entries-added': stream.entriesAdded,
    'recorded-first-entry-id': formatId(stream.firstId),
    groups: stream.sortedGroups().map((group) => ({
      name: group.name,
      'last-delivered-id': formatId(group.lastId),
      'entries-read': group.entriesRead < 0 ? null : group.entriesRead,
      'pel-count': group.pending.size,
      pending: [...group.pending.entries()].map(([id, entry]) => [formatId(id), entry.consumer?.name ?? null, entry.deliveryTimeMs, entry.deliveryCount]),
      consumers: group.sortedConsumers().map((consumer) => ({
        name: consumer.name,
        'seen-time': consumer.seenTimeMs,
        'pel-count': consumer.pending.size,
        pending: [...consumer.pending.entries()].map(([id, entry]) => [formatId(id), entry.deliveryTimeMs, entry.deliveryCount]),
      })),
    })),
  };
}

/** A fixture byte string (UTF-8 text, or {"hex": ...}) as latin1. */
export function fixtureBytes(text: unknown): string {
  if (typeof text === 'string') return Buffer.from(text, 'utf8').toString('latin1');
  if (typeof text === 'object' && text !== null && 'hex' in text) return Buffer.from(String((text as { hex: string }).hex), 'hex').toString('latin1');
  if (typeof text === 'number') return String(text);
  throw new Error(`not a fixture byte string: ${JSON.stringify(text)}`);
}

/** Every byte string inside a fixture value converted to latin1 (numbers and nulls kept). */
export function fixtureValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fixtureValue);
  if (typeof value === 'string' || (typeof value === 'object' && value !== null && 'hex' in value)) return fixtureBytes(value);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fixtureValue(v);
    return out;
  }
  return value;
}
