import type { ReplyWriter } from '../../resp/reply-writer.js';
import type { Consumer, ConsumerGroup, PendingEntry } from '../../keyspace/types/stream/consumer-group.js';
import { ENTRIES_READ_UNKNOWN } from '../../keyspace/types/stream/consumer-group.js';
import type { StreamValue } from '../../keyspace/types/stream/stream.js';
import { compareIds, compareParts, MAX_ID, type StreamId, type U64 } from '../../keyspace/types/stream/stream-id.js';
import { writeEntry } from './common.js';

/**
 * Serving entries to a consumer group (Redis's streamReplyWithRange with a group): advances the
 * group's last id and entries-read, and records deliveries in the PELs unless NOACK.
 */

/** Redis's streamRangeHasTombstones: might a deleted entry lie in [start, end]? */
export function rangeHasTombstones(stream: StreamValue, start: StreamId, end: StreamId = MAX_ID): boolean {
  const maxDeleted = stream.maxDeletedId;
  if (stream.length === 0 || (maxDeleted.ms === 0 && maxDeleted.seq === 0)) return false;
  if (compareIds(stream.firstId, maxDeleted) > 0) return false;
  return compareIds(start, maxDeleted) <= 0 && compareIds(maxDeleted, end) <= 0;
}

/** Redis's streamEstimateDistanceFromFirstEverEntry; ENTRIES_READ_UNKNOWN when it cannot tell. */
export function estimateEntriesRead(stream: StreamValue, id: StreamId): number {
  if (stream.entriesAdded === 0) return 0;
  if (stream.length === 0 && compareIds(id, stream.lastId) < 1) return stream.entriesAdded;
  const cmpLast = compareIds(id, stream.lastId);
  if (cmpLast === 0) return stream.entriesAdded;
  if (cmpLast > 0) return ENTRIES_READ_UNKNOWN;
  const cmpFirst = compareIds(id, stream.firstId);
  const maxDeleted = stream.maxDeletedId;
  if ((maxDeleted.ms === 0 && maxDeleted.seq === 0) || compareIds(maxDeleted, stream.firstId) < 0) {
    if (cmpFirst < 0) return stream.entriesAdded - stream.length;
    if (cmpFirst === 0) return stream.entriesAdded - stream.length + 1;
  }
  return ENTRIES_READ_UNKNOWN;
}

/** XINFO lag: null when it cannot be known. */
export function groupLag(stream: StreamValue, group: ConsumerGroup): number | null {
  if (stream.entriesAdded === 0) return 0;
  if (group.entriesRead !== ENTRIES_READ_UNKNOWN && !rangeHasTombstones(stream, group.lastId)) return stream.entriesAdded - group.entriesRead;
  const read = estimateEntriesRead(stream, group.lastId);
  return read === ENTRIES_READ_UNKNOWN ? null : stream.entriesAdded - read;
}

/** Delivers new entries after `start` (inclusive) to a consumer; writes the entries array. */
export function deliverNew(
  reply: ReplyWriter,
  stream: StreamValue,
  start: StreamId,
  count: number,
  group: ConsumerGroup,
  consumer: Consumer,
  noAck: boolean,
  nowMs: number,
): number {
  const served: Array<[U64, U64, readonly string[]]> = [];
  stream.range(start, MAX_ID, false, (ms, seq, fields) => {
    served.push([ms, seq, fields]);
    return count === 0 || served.length < count;
  });
  reply.array(served.length);
  for (const [ms, seq, fields] of served) {
    const id: StreamId = { ms, seq };
    if (compareParts(ms, seq, group.lastId.ms, group.lastId.seq) > 0) {
      if (group.entriesRead !== ENTRIES_READ_UNKNOWN && !rangeHasTombstones(stream, id)) group.entriesRead++;
      else if (stream.entriesAdded !== 0) group.entriesRead = estimateEntriesRead(stream, id);
      group.lastId = id;
    }
    writeEntry(reply, ms, seq, fields);
    if (!noAck) recordDelivery(group, consumer, id, nowMs);
  }
  return served.length;
}

/** Adds (or moves) a PEL entry to the consumer with a fresh delivery. */
function recordDelivery(group: ConsumerGroup, consumer: Consumer, id: StreamId, nowMs: number): void {
  const existing = group.pending.get(id);
  if (existing === undefined) {
    const entry: PendingEntry = { deliveryTimeMs: nowMs, deliveryCount: 1, consumer };
    group.pending.set(id, entry);
    consumer.pending.set(id, entry);
    return;
  }
  existing.consumer?.pending.delete(id);
  existing.consumer = consumer;
  existing.deliveryTimeMs = nowMs;
  existing.deliveryCount = 1;
  consumer.pending.set(id, existing);
}

/** XREADGROUP with an explicit id: the consumer's own pending entries from `start` on. */
export function deliverHistory(reply: ReplyWriter, stream: StreamValue, start: StreamId, count: number, consumer: Consumer, nowMs: number): void {
  const pel = consumer.pending;
  const from = pel.lowerBound(start);
  const end = count === 0 ? pel.size : Math.min(pel.size, from + count);
  reply.array(end - from);
  for (let i = from; i < end; i++) {
    const id = pel.idAt(i) as StreamId;
    const fields = stream.get(id);
    if (fields === null) {
      reply.array(2);
      reply.bulk(`${id.ms}-${id.seq}`);
      reply.nullArray();
      continue;
    }
    writeEntry(reply, id.ms, id.seq, fields);
    const entry = pel.valueAt(i) as PendingEntry;
    entry.deliveryTimeMs = nowMs;
    entry.deliveryCount++;
  }
}
