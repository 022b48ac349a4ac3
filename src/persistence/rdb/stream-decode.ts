import { Consumer, ConsumerGroup, ENTRIES_READ_UNKNOWN, type PendingEntry } from '../../keyspace/types/stream/consumer-group.js';
import { StreamNode } from '../../keyspace/types/stream/stream-node.js';
import { StreamValue } from '../../keyspace/types/stream/stream.js';
import { compareIds, MIN_ID, u64, type StreamId, type U64 } from '../../keyspace/types/stream/stream-id.js';
import { RdbType, STREAM_ITEM_FLAG_DELETED, STREAM_ITEM_FLAG_SAMEFIELDS } from './constants.js';
import { readListpack } from './listpack.js';
import type { RdbInput } from './rdb-input.js';

const NODE_KEY_BYTES = 16;
const U64_MAX = 18446744073709551615n;

/** An int64 listpack element (decimal text) as a number when safe, else a bigint. */
function intOf(text: string | undefined, input: RdbInput, at: number, what: string): number | bigint {
  if (text === undefined) throw input.error(`stream node listpack ends inside ${what}`, at);
  const n = text.length <= 15 ? Number(text) : BigInt(text);
  if (typeof n === 'number' && !Number.isInteger(n)) throw input.error(`stream node listpack: ${what} is not an integer`, at);
  return n;
}

function smallInt(text: string | undefined, input: RdbInput, at: number, what: string): number {
  const n = intOf(text, input, at, what);
  if (typeof n !== 'number' || n < 0) throw input.error(`stream node listpack: bad ${what}`, at);
  return n;
}

/** base + diff for a u64 id part. */
function addDelta(base: U64, diff: number | bigint): U64 {
  if (typeof base === 'number' && typeof diff === 'number') {
    const sum = base + diff;
    if (sum >= 0 && Number.isSafeInteger(sum)) return sum;
  }
  return u64(BigInt.asUintN(64, BigInt(base) + BigInt(diff)));
}

function readId(input: RdbInput, what: string): StreamId {
  const ms = input.lenU64(`${what} (ms)`);
  const seq = input.lenU64(`${what} (seq)`);
  return { ms: typeof ms === 'bigint' ? u64(ms) : ms, seq: typeof seq === 'bigint' ? u64(seq) : seq };
}

function readRawId(input: RdbInput, what: string): StreamId {
  const ms = input.u64BE(what);
  const seq = input.u64BE(what);
  return { ms, seq };
}

/** One node: the master entry, then every entry (deleted ones keep their slot, as in Redis). */
function readNode(input: RdbInput, masterId: StreamId, at: number): StreamNode {
  const view = input.stringView('a stream node listpack');
  const items = readListpack(view, input.baseOffset + at);
  if (items.length === 0) throw input.error('empty listpack inside a stream', at);
  let i = 0;
  const live = smallInt(items[i++], input, at, 'the live count');
  const deleted = smallInt(items[i++], input, at, 'the deleted count');
  const masterCount = smallInt(items[i++], input, at, 'the master field count');
  if (i + masterCount + 1 > items.length) throw input.error('stream node listpack: master entry cut short', at);
  const masterFields = items.slice(i, i + masterCount);
  i += masterCount;
  if (items[i++] !== '0') throw input.error('stream node listpack: master entry not terminated', at);
  const shape: string[] = [];
  for (const field of masterFields) shape.push(field, '');
  const node = new StreamNode(shape, 0, live + deleted);
  let seenLive = 0;
  let seenDeleted = 0;
  while (i < items.length) {
    const flags = smallInt(items[i++], input, at, 'entry flags');
    const ms = addDelta(masterId.ms, intOf(items[i++], input, at, 'an entry ms delta'));
    const seq = addDelta(masterId.seq, intOf(items[i++], input, at, 'an entry seq delta'));
    let fields: string[];
    if ((flags & STREAM_ITEM_FLAG_SAMEFIELDS) !== 0) {
      if (i + masterCount > items.length) throw input.error('stream node listpack: entry cut short', at);
      fields = new Array<string>(masterCount * 2);
      for (let f = 0; f < masterCount; f++) {
        fields[f * 2] = masterFields[f] as string;
        fields[f * 2 + 1] = items[i++] as string;
      }
    } else {
      const count = smallInt(items[i++], input, at, 'an entry field count');
      if (i + count * 2 > items.length) throw input.error('stream node listpack: entry cut short', at);
      fields = items.slice(i, i + count * 2);
      i += count * 2;
    }
    i++; // lp-count
    if (i > items.length) throw input.error('stream node listpack: entry cut short', at);
    if (node.slots > 0 && compareIds({ ms: node.msAt(node.slots - 1), seq: node.seqAt(node.slots - 1) }, { ms, seq }) >= 0) {
      throw input.error('stream node listpack: entry ids not ascending', at);
    }
    node.append(ms, seq, fields);
    if ((flags & STREAM_ITEM_FLAG_DELETED) !== 0) {
      node.deleteAt(node.slots - 1);
      seenDeleted++;
    } else {
      seenLive++;
    }
  }
  if (seenLive !== live || seenDeleted !== deleted) throw input.error('stream node listpack: entry counts do not match its header', at);
  if (node.slots === 0 || node.msAt(0) !== masterId.ms || node.seqAt(0) !== masterId.seq) {
    throw input.error('stream node listpack: first entry differs from the node key', at);
  }
  return node;
}

/**
 * Redis's streamEstimateDistanceFromFirstEverEntry: a v1 group's entries-read counter, which
 * v1 files do not store.
 */
function estimateEntriesRead(stream: StreamValue, id: StreamId): number {
  if (stream.entriesAdded === 0) return 0;
  const cmpLast = compareIds(id, stream.lastId);
  if (stream.length === 0 && cmpLast < 1) return stream.entriesAdded;
  if (cmpLast === 0) return stream.entriesAdded;
  if (cmpLast > 0) return ENTRIES_READ_UNKNOWN;
  const cmpFirst = compareIds(id, stream.firstId);
  const noTombstonesAhead = compareIds(stream.maxDeletedId, MIN_ID) === 0 || compareIds(stream.maxDeletedId, stream.firstId) < 0;
  if (noTombstonesAhead) {
    if (cmpFirst < 0) return stream.entriesAdded - stream.length;
    if (cmpFirst === 0) return stream.entriesAdded - stream.length + 1;
  }
  return ENTRIES_READ_UNKNOWN;
}

/** STREAM_LISTPACKS (15), _2 (19, Redis 7.0) and _3 (21, Redis 7.2). */
export function readStreamBody(type: number, input: RdbInput): StreamValue {
  const stream = new StreamValue();
  const nodeCount = input.count('the stream node count', 2);
  let previousKey: StreamId | null = null;
  for (let n = 0; n < nodeCount; n++) {
    const keyAt = input.pos;
    const key = input.stringView('a stream node key');
    if (key.end - key.start !== NODE_KEY_BYTES) throw input.error('stream node key is not 16 bytes', keyAt);
    const masterId: StreamId = {
      ms: u64(key.buf.readBigUInt64BE(key.start)),
      seq: u64(key.buf.readBigUInt64BE(key.start + 8)),
    };
    if (previousKey !== null && compareIds(previousKey, masterId) >= 0) throw input.error('stream node keys not ascending', keyAt);
    previousKey = masterId;
    const node = readNode(input, masterId, input.pos);
    if (node.live > 0) stream.nodes.push(node);
  }
  stream.length = input.len('the stream length');
  stream.lastId = readId(input, 'the last id');
  let live = 0;
  for (const node of stream.nodes) live += node.live;
  if (live !== stream.length) throw input.error(`stream length ${stream.length} differs from its ${live} entries`);
  if (type >= RdbType.streamListpacks2) {
    stream.firstId = readId(input, 'the first id');
    stream.maxDeletedId = readId(input, 'the max deleted id');
    const added = input.lenU64('the entries-added counter');
    stream.entriesAdded = Number(added);
  } else {
    stream.firstId = stream.edgeId(true) ?? MIN_ID;
    stream.maxDeletedId = MIN_ID;
    stream.entriesAdded = stream.length;
  }
  const groupCount = input.count('the consumer group count');
  for (let g = 0; g < groupCount; g++) {
    const name = input.string('a consumer group name');
    const lastId = readId(input, 'a group last id');
    let entriesRead: number;
    if (type >= RdbType.streamListpacks2) {
      const read = input.lenU64('a group entries-read counter');
      entriesRead = read === U64_MAX || typeof read === 'bigint' ? ENTRIES_READ_UNKNOWN : read;
    } else {
      entriesRead = estimateEntriesRead(stream, lastId);
    }
    if (stream.groups === null) stream.groups = new Map();
    if (stream.groups.has(name)) throw input.error('duplicated consumer group name');
    const group = new ConsumerGroup(name, lastId, entriesRead);
    stream.groups.set(name, group);
    const pelCount = input.count('a group PEL size', 18);
    for (let p = 0; p < pelCount; p++) {
      const id = readRawId(input, 'a PEL id');
      const deliveryTimeMs = input.i64LE('a delivery time');
      const deliveryCount = input.len('a delivery count');
      const entry: PendingEntry = { deliveryTimeMs, deliveryCount, consumer: null };
      if (!group.pending.set(id, entry)) throw input.error('duplicated group PEL entry');
    }
    const consumerCount = input.count('a consumer count', 10);
    for (let c = 0; c < consumerCount; c++) {
      const consumerName = input.string('a consumer name');
      const seenTimeMs = input.i64LE('a consumer seen time');
      if (type >= RdbType.streamListpacks3) input.i64LE('a consumer active time');
      const consumer = new Consumer(consumerName, seenTimeMs);
      if (group.consumers.has(consumerName)) throw input.error('duplicated consumer name');
      group.consumers.set(consumerName, consumer);
      const ownCount = input.count('a consumer PEL size', 16);
      for (let p = 0; p < ownCount; p++) {
        const at = input.pos;
        const id = readRawId(input, 'a consumer PEL id');
        const entry = group.pending.get(id);
        if (entry === undefined) throw input.error('consumer PEL entry not found in the group PEL', at);
        if (entry.consumer !== null) throw input.error('group PEL entry owned by two consumers', at);
        entry.consumer = consumer;
        consumer.pending.set(id, entry);
      }
    }
    for (const [, entry] of group.pending.entries()) {
      if (entry.consumer === null) throw input.error('group PEL entry without a consumer');
    }
  }
  return stream;
}
