import type { Database } from '../../keyspace/database.js';
import { HashValue } from '../../keyspace/types/hash/hash-value.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import { SetValue } from '../../keyspace/types/set/set-value.js';
import { StreamValue } from '../../keyspace/types/stream/stream.js';
import { formatId, MAX_ID, MIN_ID } from '../../keyspace/types/stream/stream-id.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import { isStringValue, stringValueText, type StoredValue } from '../../keyspace/stored-value.js';
import { formatDouble17g } from '../../resp/format-double.js';
import { encodeCommand } from './resp-command.js';

/** Redis's AOF_REWRITE_ITEMS_PER_CMD: variadic commands carry at most this many items. */
const ITEMS_PER_COMMAND = 64;

/**
 * One key as the commands that rebuild it (Redis's rewriteAppendOnlyFileRio): SET, RPUSH,
 * SADD, ZADD, HMSET in batches of 64, streams as XADD + XSETID + XGROUP/XCLAIM, then PEXPIREAT.
 * Used for aof-use-rdb-preamble no.
 */
export function keyAsCommands(key: string, value: StoredValue, expireAtMs: number | bigint | undefined, emit: (resp: string) => void): void {
  if (isStringValue(value)) emit(encodeCommand(['SET', key, stringValueText(value)]));
  else if (value instanceof ListValue) batched('RPUSH', key, value.toArray(), 1, emit);
  else if (value instanceof SetValue) batched('SADD', key, [...value.members], 1, emit);
  else if (value instanceof SortedSet) {
    const items: string[] = [];
    for (const [member, score] of value.entries()) items.push(formatDouble17g(score), member);
    batched('ZADD', key, items, 2, emit);
  } else if (value instanceof HashValue) {
    const items: string[] = [];
    value.forEach((field, fieldValue) => items.push(field, fieldValue));
    batched('HMSET', key, items, 2, emit);
  } else if (value instanceof StreamValue) streamAsCommands(key, value, emit);
  if (expireAtMs !== undefined) emit(encodeCommand(['PEXPIREAT', key, String(expireAtMs)]));
}

/** Every key of a database, after a SELECT; nothing for an empty database. */
export function databaseAsCommands(db: Database, emit: (resp: string) => void): void {
  if (db.size === 0) return;
  emit(encodeCommand(['SELECT', String(db.id)]));
  for (const [key, value] of db.entries()) keyAsCommands(key, value, db.exactExpireAtMs(key), emit);
}

function batched(command: string, key: string, items: readonly string[], itemWidth: number, emit: (resp: string) => void): void {
  const perCommand = ITEMS_PER_COMMAND * itemWidth;
  for (let i = 0; i < items.length; i += perCommand) emit(encodeCommand([command, key, ...items.slice(i, i + perCommand)]));
}

function streamAsCommands(key: string, stream: StreamValue, emit: (resp: string) => void): void {
  if (stream.length > 0) {
    stream.range(MIN_ID, MAX_ID, false, (ms, seq, fields) => {
      emit(encodeCommand(['XADD', key, `${ms}-${seq}`, ...fields]));
      return true;
    });
  } else {
    // Redis's trick for an empty stream: add one entry and trim it away at once.
    emit(encodeCommand(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']));
  }
  emit(encodeCommand(['XSETID', key, formatId(stream.lastId), 'ENTRIESADDED', String(stream.entriesAdded), 'MAXDELETEDID', formatId(stream.maxDeletedId)]));
  for (const group of stream.sortedGroups()) {
    emit(encodeCommand(['XGROUP', 'CREATE', key, group.name, formatId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)]));
    for (const consumer of group.sortedConsumers()) {
      if (consumer.pending.size === 0) {
        emit(encodeCommand(['XGROUP', 'CREATECONSUMER', key, group.name, consumer.name]));
        continue;
      }
      for (const [id, nack] of consumer.pending.entries()) {
        emit(
          encodeCommand(['XCLAIM', key, group.name, consumer.name, '0', formatId(id), 'TIME', String(nack.deliveryTimeMs), 'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE']),
        );
      }
    }
  }
}
