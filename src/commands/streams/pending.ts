import { Errors, ReplyError } from '../../lib/errors.js';
import type { Consumer, ConsumerGroup, PendingEntry } from '../../keyspace/types/stream/consumer-group.js';
import type { StreamValue } from '../../keyspace/types/stream/stream.js';
import { compareIds, formatId, type StreamId } from '../../keyspace/types/stream/stream-id.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { lookupRead } from '../lookup.js';
import { isOption, parseInt64 } from '../parse.js';
import { parseRangeEnd, parseRangeStart, parseStrictId, StreamErrors, writeEntry, writeStreamId } from './common.js';
import { StreamValue as StreamClass } from '../../keyspace/types/stream/stream.js';

/** XACK XPENDING XCLAIM XAUTOCLAIM. */

/** The stream and group, or null when either is missing (WRONGTYPE for other types). */
function findGroup(ctx: CommandContext, key: string, groupName: string): [StreamValue, ConsumerGroup] | null {
  const value = lookupRead(ctx, key);
  if (value === undefined) return null;
  if (!(value instanceof StreamClass)) throw new ReplyError(Errors.wrongType);
  const group = value.group(groupName);
  return group === undefined ? null : [value, group];
}

function xack(ctx: CommandContext, argv: string[]): void {
  const found = findGroup(ctx, argv[1] as string, argv[2] as string);
  if (found === null) {
    ctx.reply.integer(0);
    return;
  }
  const ids = argv.slice(3).map((text) => parseStrictId(text));
  let acknowledged = 0;
  for (const id of ids) if (found[1].acknowledge(id)) acknowledged++;
  if (acknowledged > 0) ctx.dirty(acknowledged);
  ctx.reply.integer(acknowledged);
}

function xpending(ctx: CommandContext, argv: string[]): void {
  const summary = argv.length === 3;
  if (argv.length !== 3 && (argv.length < 6 || argv.length > 9)) throw new ReplyError(Errors.syntax);
  let start: StreamId | null = null;
  let end: StreamId | null = null;
  let count = 0;
  let minIdleMs = 0;
  let consumerName: string | null = null;
  if (argv.length >= 6) {
    let at = 3;
    if (isOption(argv[3], 'idle')) {
      minIdleMs = clampToSafe(parseInt64(argv[4] as string));
      if (argv.length < 8) throw new ReplyError(Errors.syntax);
      at += 2;
    }
    const countValue = parseInt64(argv[at + 2] as string);
    count = countValue < 0n ? 0 : clampToSafe(countValue);
    start = parseRangeStart(argv[at] as string);
    end = parseRangeEnd(argv[at + 1] as string);
    if (at + 3 < argv.length) consumerName = argv[at + 3] as string;
  }
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  const found = findGroup(ctx, key, groupName);
  if (found === null) throw new ReplyError(StreamErrors.noGroup(key, groupName));
  const group = found[1];
  const reply = ctx.reply;
  if (summary) {
    reply.array(4);
    reply.integer(group.pending.size);
    const first = group.pending.first();
    const last = group.pending.last();
    if (first === undefined || last === undefined) {
      reply.null();
      reply.null();
      reply.nullArray();
      return;
    }
    writeStreamId(reply, first);
    writeStreamId(reply, last);
    const owners = group.sortedConsumers().filter((c) => c.pending.size > 0);
    reply.array(owners.length);
    for (const consumer of owners) {
      reply.array(2);
      reply.bulk(consumer.name);
      reply.bulk(String(consumer.pending.size));
    }
    return;
  }
  let pel = group.pending;
  if (consumerName !== null) {
    const consumer = group.consumers.get(consumerName);
    if (consumer === undefined) {
      reply.array(0);
      return;
    }
    pel = consumer.pending;
  }
  const rows: Array<[StreamId, PendingEntry]> = [];
  for (let i = pel.lowerBound(start as StreamId); count > 0 && i < pel.size; i++) {
    const id = pel.idAt(i) as StreamId;
    if (compareIds(id, end as StreamId) > 0) break;
    const entry = pel.valueAt(i) as PendingEntry;
    if (minIdleMs !== 0 && ctx.nowMs - entry.deliveryTimeMs < minIdleMs) continue;
    rows.push([id, entry]);
    count--;
  }
  reply.array(rows.length);
  for (const [id, entry] of rows) {
    reply.array(4);
    writeStreamId(reply, id);
    reply.bulk(entry.consumer?.name ?? '');
    reply.integer(Math.max(0, ctx.nowMs - entry.deliveryTimeMs));
    reply.integer(entry.deliveryCount);
  }
}

function clampToSafe(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}

/** Gives a pending entry to `consumer` (XCLAIM, XAUTOCLAIM). */
function transfer(entry: PendingEntry, id: StreamId, consumer: Consumer): void {
  if (entry.consumer === consumer) return;
  entry.consumer?.pending.delete(id);
  consumer.pending.set(id, entry);
  entry.consumer = consumer;
}

function consumerFor(ctx: CommandContext, key: string, group: ConsumerGroup, name: string): Consumer {
  const existing = group.consumers.get(name);
  if (existing !== undefined) {
    existing.seenTimeMs = ctx.nowMs;
    return existing;
  }
  ctx.dirty();
  const created = group.createConsumer(name, ctx.nowMs) as Consumer;
  notify(ctx, 't', 'xgroup-createconsumer', key);
  return created;
}

function xclaim(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const found = findGroup(ctx, key, argv[2] as string);
  if (found === null) throw new ReplyError(StreamErrors.noGroup(key, argv[2] as string));
  const [stream, group] = found;
  let minIdleMs = clampToSafe(parseInt64(argv[4] as string, 'ERR Invalid min-idle-time argument for XCLAIM'));
  if (minIdleMs < 0) minIdleMs = 0;
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    try {
      ids.push(parseStrictId(argv[j] as string));
    } catch {
      break;
    }
  }
  const nowMs = ctx.nowMs;
  let deliveryTimeMs = -1;
  let retryCount = -1;
  let force = false;
  let justId = false;
  let lastId: StreamId = { ms: 0, seq: 0 };
  for (; j < argv.length; j++) {
    const moreArgs = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (isOption(opt, 'force')) force = true;
    else if (isOption(opt, 'justid')) justId = true;
    else if (isOption(opt, 'idle') && moreArgs > 0) {
      j++;
      deliveryTimeMs = nowMs - clampToSafe(parseInt64(argv[j] as string, 'ERR Invalid IDLE option argument for XCLAIM'));
    } else if (isOption(opt, 'time') && moreArgs > 0) {
      j++;
      deliveryTimeMs = clampToSafe(parseInt64(argv[j] as string, 'ERR Invalid TIME option argument for XCLAIM'));
    } else if (isOption(opt, 'retrycount') && moreArgs > 0) {
      j++;
      retryCount = clampToSafe(parseInt64(argv[j] as string, 'ERR Invalid RETRYCOUNT option argument for XCLAIM'));
    } else if (isOption(opt, 'lastid') && moreArgs > 0) {
      j++;
      lastId = parseStrictId(argv[j] as string);
    } else {
      throw new ReplyError(`ERR Unrecognized XCLAIM option '${opt.split('\0')[0] ?? ''}'`);
    }
  }
  if (compareIds(lastId, group.lastId) > 0) {
    group.lastId = lastId;
    ctx.dirty();
  }
  if (deliveryTimeMs === -1 || deliveryTimeMs < 0 || deliveryTimeMs > nowMs) deliveryTimeMs = nowMs;
  let consumer: Consumer | null = null;
  const out: Array<[StreamId, readonly string[] | null]> = [];
  for (const id of ids) {
    let entry = group.pending.get(id);
    const fields = stream.get(id);
    if (fields === null) {
      if (entry !== undefined) {
        group.acknowledge(id);
        ctx.dirty();
      }
      continue;
    }
    if (force && entry === undefined) {
      entry = { deliveryTimeMs: nowMs, deliveryCount: 1, consumer: null };
      group.pending.set(id, entry);
    }
    if (entry === undefined) continue;
    if (entry.consumer !== null && minIdleMs !== 0 && nowMs - entry.deliveryTimeMs < minIdleMs) continue;
    consumer ??= consumerFor(ctx, argv[1] as string, group, argv[3] as string);
    if (entry.consumer !== consumer) entry.consumer?.pending.delete(id);
    entry.deliveryTimeMs = deliveryTimeMs;
    if (retryCount >= 0) entry.deliveryCount = retryCount;
    else if (!justId) entry.deliveryCount++;
    transfer(entry, id, consumer);
    out.push([id, justId ? null : fields]);
    ctx.dirty();
  }
  const reply = ctx.reply;
  reply.array(out.length);
  for (const [id, fields] of out) {
    if (fields === null) writeStreamId(reply, id);
    else writeEntry(reply, id.ms, id.seq, fields);
  }
}

function xautoclaim(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const groupName = argv[2] as string;
  let minIdleMs = clampToSafe(parseInt64(argv[4] as string, 'ERR Invalid min-idle-time argument for XAUTOCLAIM'));
  if (minIdleMs < 0) minIdleMs = 0;
  const start = parseRangeStart(argv[5] as string);
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const moreArgs = argv.length - 1 - j;
    if (isOption(argv[j], 'count') && moreArgs > 0) {
      const value = parseInt64(argv[j + 1] as string, 'ERR COUNT must be > 0');
      // LONG_MAX / max(sizeof(streamID), attempts factor 10): the upper bound Redis allows.
      if (value < 1n || value > 576460752303423487n) throw new ReplyError('ERR COUNT must be > 0');
      count = clampToSafe(value);
      j++;
    } else if (isOption(argv[j], 'justid')) {
      justId = true;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const found = findGroup(ctx, key, groupName);
  if (found === null) throw new ReplyError(StreamErrors.noGroup(key, groupName));
  const [stream, group] = found;
  const nowMs = ctx.nowMs;
  let attempts = count * 10;
  const claimed: Array<[StreamId, readonly string[] | null]> = [];
  const deletedIds: StreamId[] = [];
  let consumer: Consumer | null = null;
  const pel = group.pending;
  let i = pel.lowerBound(start);
  while (attempts-- > 0 && count > 0 && i < pel.size) {
    const id = pel.idAt(i) as StreamId;
    const entry = pel.valueAt(i) as PendingEntry;
    const fields = stream.get(id);
    if (fields === null) {
      group.acknowledge(id);
      deletedIds.push(id);
      count--;
      ctx.dirty();
      continue;
    }
    i++;
    if (minIdleMs !== 0 && nowMs - entry.deliveryTimeMs < minIdleMs) continue;
    consumer ??= consumerFor(ctx, argv[1] as string, group, argv[3] as string);
    entry.deliveryTimeMs = nowMs;
    if (!justId) entry.deliveryCount++;
    transfer(entry, id, consumer);
    claimed.push([id, justId ? null : fields]);
    count--;
    ctx.dirty();
  }
  const next = pel.idAt(i);
  const reply = ctx.reply;
  reply.array(3);
  reply.bulk(next === undefined ? '0-0' : formatId(next));
  reply.array(claimed.length);
  for (const [id, fields] of claimed) {
    if (fields === null) writeStreamId(reply, id);
    else writeEntry(reply, id.ms, id.seq, fields);
  }
  reply.array(deletedIds.length);
  for (const id of deletedIds) writeStreamId(reply, id);
}

export const pendingCommands: readonly CommandDefinition[] = [
  { name: 'xack', handler: xack },
  { name: 'xpending', handler: xpending },
  { name: 'xclaim', handler: xclaim },
  { name: 'xautoclaim', handler: xautoclaim },
];
