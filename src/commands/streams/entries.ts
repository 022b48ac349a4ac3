import { Errors, ReplyError } from '../../lib/errors.js';
import { StreamValue, STREAM_LISTPACK_MAX_BYTES } from '../../keyspace/types/stream/stream.js';
import { compareIds, formatId, incrU64, isMaxId, isZeroId, MIN_ID, U64_MAX, type StreamId } from '../../keyspace/types/stream/stream-id.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { isOption, parseInt64 } from '../parse.js';
import { collectRange, nodeLimits, parseRangeEnd, parseRangeStart, parseStrictId, readStream, writeEntry, writeStream } from './common.js';
import { parseAddTrimArgs, type AddTrimArgs } from './trim-args.js';

/** XADD XTRIM XDEL XLEN XRANGE XREVRANGE XSETID. */

/** The id XADD gives the new entry (Redis's streamAppendItem id rules), or an error. */
function newEntryId(stream: StreamValue, args: Readonly<AddTrimArgs>, nowMs: number): StreamId {
  const last = stream.lastId;
  let id: StreamId;
  if (args.id !== null) {
    if (args.seqGiven) id = args.id;
    else if (last.ms === args.id.ms) {
      if (last.seq === U64_MAX) throw new ReplyError(equalOrSmaller);
      id = { ms: last.ms, seq: incrU64(last.seq) };
    } else id = args.id;
  } else if (last.ms < nowMs) {
    // streamNextID: the clock, or the last id's ms when the clock went back.
    id = { ms: nowMs, seq: 0 };
  } else {
    id = last.seq === U64_MAX ? { ms: incrU64(last.ms), seq: 0 } : { ms: last.ms, seq: incrU64(last.seq) };
  }
  if (compareIds(id, last) <= 0) throw new ReplyError(equalOrSmaller);
  return id;
}

const equalOrSmaller = 'ERR The ID specified in XADD is equal or smaller than the target stream top item';

function xadd(ctx: CommandContext, argv: string[]): void {
  const args = parseAddTrimArgs(ctx, argv, true);
  const fieldsAt = args.idIndex + 1;
  const fieldCount = argv.length - fieldsAt;
  if (fieldCount < 2 || fieldCount % 2 === 1) throw new ReplyError(Errors.wrongArity('xadd'));
  if (args.id !== null && args.seqGiven && isZeroId(args.id)) throw new ReplyError('ERR The ID specified in XADD must be greater than 0-0');
  const key = argv[1] as string;
  let stream = writeStream(ctx, key);
  if (stream === undefined) {
    if (args.noMakeStream) {
      ctx.reply.null();
      return;
    }
  }
  const target = stream ?? new StreamValue();
  if (isMaxId(target.lastId)) throw new ReplyError('ERR The stream has exhausted the last possible ID, unable to add more items');
  const id = newEntryId(target, args, ctx.nowMs);
  let totalBytes = 0;
  for (let i = fieldsAt; i < argv.length; i++) totalBytes += (argv[i] as string).length;
  if (totalBytes > STREAM_LISTPACK_MAX_BYTES) throw new ReplyError('ERR Elements are too large to be stored');
  if (stream === undefined) {
    stream = target;
    ctx.db.set(key, stream);
  }
  stream.append(id, argv, nodeLimits(ctx), fieldsAt);
  const idText = formatId(id);
  ctx.reply.bulk(idText);
  ctx.dirty();
  notify(ctx, 't', 'xadd', key);
  let rewritten: string[] | null = null;
  if (args.trim !== null) {
    if (stream.trim(args.trim, args.approximate, args.limit) > 0) notify(ctx, 't', 'xtrim', key);
    if (args.approximate) {
      rewritten = argv.slice();
      rewriteTrim(rewritten, stream, args);
    }
  }
  if (args.id === null || !args.seqGiven) {
    rewritten ??= argv.slice();
    rewritten[args.idIndex] = idText;
  }
  if (rewritten !== null) ctx.propagateAs(rewritten);
}

/** Approximate trims propagate as exact ones to where the stream ended (Redis does the same). */
function rewriteTrim(argv: string[], stream: StreamValue, args: Readonly<AddTrimArgs>): void {
  argv[args.trimValueIndex - 1] = '=';
  if (args.trim?.kind === 'maxlen') argv[args.trimValueIndex] = String(stream.length);
  else argv[args.trimValueIndex] = formatId(stream.edgeId(true) ?? MIN_ID);
}

function xtrim(ctx: CommandContext, argv: string[]): void {
  const args = parseAddTrimArgs(ctx, argv, false);
  const stream = writeStream(ctx, argv[1] as string);
  if (stream === undefined || args.trim === null) {
    ctx.reply.integer(0);
    return;
  }
  const deleted = stream.trim(args.trim, args.approximate, args.limit);
  if (deleted > 0) {
    if (args.approximate) {
      const rewritten = argv.slice();
      rewriteTrim(rewritten, stream, args);
      ctx.propagateAs(rewritten);
    }
    ctx.dirty(deleted);
    notify(ctx, 't', 'xtrim', argv[1] as string);
  }
  ctx.reply.integer(deleted);
}

function xdel(ctx: CommandContext, argv: string[]): void {
  const stream = writeStream(ctx, argv[1] as string);
  if (stream === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const ids = argv.slice(2).map((text) => parseStrictId(text));
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    if (!stream.delete(id)) continue;
    if (compareIds(id, stream.firstId) === 0) firstDeleted = true;
    if (compareIds(id, stream.maxDeletedId) > 0) stream.maxDeletedId = id;
    deleted++;
  }
  if (deleted > 0) {
    if (stream.length === 0) stream.firstId = MIN_ID;
    else if (firstDeleted) stream.refreshFirstId();
    ctx.dirty(deleted);
    notify(ctx, 't', 'xdel', argv[1] as string);
  }
  ctx.reply.integer(deleted);
}

function xlen(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(readStream(ctx, argv[1] as string)?.length ?? 0);
}

function xrangeGeneric(ctx: CommandContext, argv: string[], reverse: boolean): void {
  const start = parseRangeStart((reverse ? argv[3] : argv[2]) as string);
  const end = parseRangeEnd((reverse ? argv[2] : argv[3]) as string);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (isOption(argv[j], 'count') && j + 1 < argv.length) {
      const value = parseInt64(argv[j + 1] as string);
      count = value < 0n ? 0 : value > 2147483647n ? 2147483647 : Number(value);
      j++;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const stream = readStream(ctx, argv[1] as string);
  if (stream === undefined) {
    ctx.reply.array(0);
    return;
  }
  if (count === 0) {
    ctx.reply.nullArray();
    return;
  }
  const entries = collectRange(stream, start, end, reverse, count === -1 ? 0 : count);
  ctx.reply.array(entries.length);
  for (const [ms, seq, fields] of entries) writeEntry(ctx.reply, ms, seq, fields);
}

function xsetid(ctx: CommandContext, argv: string[]): void {
  const id = parseStrictId(argv[2] as string);
  let entriesAdded = -1;
  let maxDeletedId = MIN_ID;
  for (let i = 3; i < argv.length; i += 2) {
    const moreArgs = argv.length - 1 - i;
    const opt = argv[i] as string;
    if (isOption(opt, 'entriesadded') && moreArgs > 0) {
      const value = parseInt64(argv[i + 1] as string);
      if (value < 0n) throw new ReplyError('ERR entries_added must be positive');
      entriesAdded = Number(value);
    } else if (isOption(opt, 'maxdeletedid') && moreArgs > 0) {
      maxDeletedId = parseStrictId(argv[i + 1] as string);
      if (compareIds(id, maxDeletedId) < 0) throw new ReplyError('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const stream = writeStream(ctx, argv[1] as string);
  if (stream === undefined) throw new ReplyError(Errors.noSuchKey);
  if (stream.length > 0) {
    const top = stream.edgeId(false) ?? MIN_ID;
    if (compareIds(id, top) < 0) throw new ReplyError('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1 && stream.length > entriesAdded) throw new ReplyError('ERR The entries_added specified in XSETID is smaller than the target stream length');
  }
  stream.lastId = id;
  if (entriesAdded !== -1) stream.entriesAdded = entriesAdded;
  if (!isZeroId(maxDeletedId)) stream.maxDeletedId = maxDeletedId;
  ctx.reply.ok();
  ctx.dirty();
  notify(ctx, 't', 'xsetid', argv[1] as string);
}

export const entryCommands: readonly CommandDefinition[] = [
  { name: 'xadd', handler: xadd },
  { name: 'xtrim', handler: xtrim },
  { name: 'xdel', handler: xdel },
  { name: 'xlen', handler: xlen },
  { name: 'xrange', handler: (ctx, argv) => xrangeGeneric(ctx, argv, false) },
  { name: 'xrevrange', handler: (ctx, argv) => xrangeGeneric(ctx, argv, true) },
  { name: 'xsetid', handler: xsetid },
];
