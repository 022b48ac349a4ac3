import { RawString, type StoredValue } from '../../keyspace/stored-value.js';
import { HashValue, type HashLimits } from '../../keyspace/types/hash/hash-value.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import { SetValue } from '../../keyspace/types/set/set-value.js';
import { Consumer, ConsumerGroup, ENTRIES_READ_UNKNOWN } from '../../keyspace/types/stream/consumer-group.js';
import { StreamValue } from '../../keyspace/types/stream/stream.js';
import { SortedSet, type ZsetLimits } from '../../keyspace/types/zset/sorted-set.js';

/**
 * Values of every type and encoding, small and large, built through the types' own APIs with
 * Redis's default thresholds: the inputs of the codec's round-trip tests and benchmarks.
 */

const HASH_LIMITS: HashLimits = { maxListpackEntries: 512, maxListpackValueBytes: 64 };
const ZSET_LIMITS: ZsetLimits = { maxListpackEntries: 128, maxListpackValueBytes: 64 };
const STREAM_LIMITS = { maxBytes: 4096, maxEntries: 100 };

export function setOf(members: readonly string[]): SetValue {
  const set = new SetValue(members[0]);
  for (const member of members) set.add(member, 512);
  return set;
}

export function hashOf(pairs: ReadonlyArray<readonly [string, string]>): HashValue {
  const hash = new HashValue();
  for (const [field, value] of pairs) hash.set(field, value, HASH_LIMITS);
  return hash;
}

export function zsetOf(pairs: ReadonlyArray<readonly [string, number]>): SortedSet {
  const zset = new SortedSet();
  for (const [member, score] of pairs) zset.set(member, score, ZSET_LIMITS);
  return zset;
}

export function listOf(elements: readonly string[]): ListValue {
  const list = ListValue.from(elements);
  list.settle();
  return list;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function streamOf(): StreamValue {
  const stream = new StreamValue();
  for (let i = 0; i < 250; i++) {
    const fields = i % 10 === 9 ? ['sensor', String(i), 'temp', `${20 + i / 10}`, 'extra', 'yes'] : ['sensor', String(i), 'temp', `${20 + i / 10}`];
    stream.append({ ms: 1700000000000 + i, seq: i % 3 }, fields, STREAM_LIMITS);
  }
  stream.delete({ ms: 1700000000000, seq: 0 });
  stream.delete({ ms: 1700000000120, seq: 0 });
  stream.maxDeletedId = { ms: 1700000000120, seq: 0 };
  stream.refreshFirstId();
  stream.groups = new Map();
  const g1 = new ConsumerGroup('g1', { ms: 1700000000009, seq: 0 }, ENTRIES_READ_UNKNOWN);
  const g2 = new ConsumerGroup('g2', { ms: 1700000000249, seq: 0 }, 250);
  const alice = new Consumer('alice', 1795287962653);
  const bob = new Consumer('bob', 1795287962654);
  g1.consumers.set('alice', alice);
  g1.consumers.set('bob', bob);
  g2.consumers.set('idle', new Consumer('idle', 1795287962000));
  for (let i = 2; i < 10; i++) {
    const id = { ms: 1700000000000 + i, seq: i % 3 };
    const owner = i % 2 === 0 ? alice : bob;
    const entry = { deliveryTimeMs: 1795287962600 + i, deliveryCount: i, consumer: owner };
    g1.pending.set(id, entry);
    owner.pending.set(id, entry);
  }
  stream.groups.set('g1', g1);
  stream.groups.set('g2', g2);
  return stream;
}

function hugeIdStream(): StreamValue {
  const stream = new StreamValue();
  stream.append({ ms: 5, seq: 18446744073709551614n }, ['f', 'v'], STREAM_LIMITS);
  stream.append({ ms: 18446744073709551615n, seq: 0 }, ['f', 'w', 'g', 'x'], STREAM_LIMITS);
  return stream;
}

/** [name, value] pairs covering every encoding the codec writes. */
export function sampleValues(): Array<[string, StoredValue]> {
  const bytes = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  return [
    ['str:empty', ''],
    ['str:int8', '12'],
    ['str:int16', '-1234'],
    ['str:int32', '2147483647'],
    ['str:int32-over', '2147483648'],
    ['str:int64', '-9223372036854775808'],
    ['str:leading-zero', '007'],
    ['str:short', 'hello'],
    ['str:44', 'e'.repeat(44)],
    ['str:compressible', 'abc'.repeat(1000)],
    ['str:binary', bytes.repeat(3)],
    ['str:raw-string', new RawString('appended text that is long enough to compress compress compress')],
    ['list:small', listOf(['a', 'b', 'c', '1', '-1', '1000', '100000', '10000000000', '-10000000000', ''])],
    ['list:big', listOf(range(20000).map((i) => `element-${i}`))],
    ['list:mixed-sizes', listOf(range(300).map((i) => (i % 50 === 0 ? 'x'.repeat(5000 + i) : String(i))))],
    ['list:binary', listOf([bytes, '\x00', '\xff\xfe'])],
    ['set:intset16', setOf(['1', '2', '3', '-5', '100'])],
    ['set:intset32', setOf(['1', '70000', '-70000'])],
    ['set:intset64', setOf(['1', '5000000000', '-9223372036854775808'])],
    ['set:small-strings', setOf(['a', 'b', 'c', '1'])],
    ['set:big-strings', setOf(range(1000).map((i) => `member-${i}`))],
    ['set:many-ints', setOf(range(600).map((i) => String(i * 3)))],
    ['hash:listpack', hashOf([['f1', 'v1'], ['f2', '2'], ['f3', '\x00bin'], ['', '']])],
    ['hash:long-value', hashOf([['short', 'x'], ['long', 'v'.repeat(65)]])],
    ['hash:big', hashOf(range(1000).map((i) => [`f${i}`, `v${i}`] as const))],
    ['zset:listpack', zsetOf([['one', 1], ['half', 2.5], ['neg', -3.75], ['pinf', Infinity], ['ninf', -Infinity], ['zero', 0], ['tenth', 0.1], ['big', 1e20], ['int', 12345678901]])],
    ['zset:skiplist', zsetOf(range(200).map((i) => [`m${i}`, i / 3 - 20] as const))],
    ['zset:long-member', zsetOf([['a', 1], ['L'.repeat(65), 2]])],
    ['stream:full', streamOf()],
    ['stream:empty', new StreamValue()],
    ['stream:huge-ids', hugeIdStream()],
  ];
}
