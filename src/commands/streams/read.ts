import { cStringArg, Errors, ReplyError } from '../../lib/errors.js';
import type { ConsumerGroup } from '../../keyspace/types/stream/consumer-group.js';
import { StreamValue } from '../../keyspace/types/stream/stream.js';
import { compareIds, formatId, isMaxId, MAX_ID, MIN_ID, nextId, type StreamId } from '../../keyspace/types/stream/stream-id.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { lookupRead } from '../lookup.js';
import { isOption, parseInt64 } from '../parse.js';
import { collectRange, parseStrictId, readStream, writeEntry } from './common.js';
import { deliverHistory, deliverNew } from './delivery.js';

/** XREAD and XREADGROUP, with BLOCK. */

/** XREAD_BLOCKED_DEFAULT_COUNT: a woken reader gets at most this many entries per stream. */
const BLOCKED_DEFAULT_COUNT = 1000;

/** A BLOCK value whose deadline overflowed int64 in Redis: it times out immediately. */
const WRAPPED_TIMEOUT = -2;

/** argv arrays built for waking a blocked reader: served as Redis serves a ready key. */
const wakeArgvs = new WeakSet<string[]>();

interface ReadArgs {
  /** -1: no BLOCK; 0: forever; WRAPPED_TIMEOUT: a deadline Redis would wrap into the past. */
  blockMs: number;
  count: number;
  noAck: boolean;
  group: string | null;
  consumer: string;
  streamsAt: number;
  streamCount: number;
}

function parseReadArgs(argv: readonly string[], xreadgroup: boolean, nowMs: number): ReadArgs {
  const args: ReadArgs = { blockMs: -1, count: 0, noAck: false, group: null, consumer: '', streamsAt: 0, streamCount: 0 };
  for (let i = 1; i < argv.length; i++) {
    const moreArgs = argv.length - i - 1;
    const opt = argv[i] as string;
    if (isOption(opt, 'block') && moreArgs > 0) {
      i++;
      const ms = parseInt64(argv[i] as string, 'ERR timeout is not an integer or out of range');
      if (ms < 0n) throw new ReplyError(Errors.timeoutNegative);
      // Redis 7.0 adds the clock without a range check: past int64 the deadline wraps into the
      // past and the wait ends at once; past 2^53 ms (285,000 years) it is as good as forever.
      if (ms > 9223372036854775807n - BigInt(nowMs)) args.blockMs = WRAPPED_TIMEOUT;
      else args.blockMs = ms > BigInt(Number.MAX_SAFE_INTEGER) - BigInt(nowMs) ? 0 : Number(ms);
    } else if (isOption(opt, 'count') && moreArgs > 0) {
      i++;
      const count = parseInt64(argv[i] as string);
      args.count = count < 0n ? 0 : count > 2147483647n ? 2147483647 : Number(count);
    } else if (isOption(opt, 'streams') && moreArgs > 0) {
      args.streamsAt = i + 1;
      const n = argv.length - args.streamsAt;
      if (n % 2 !== 0) throw new ReplyError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      args.streamCount = n / 2;
      break;
    } else if (isOption(opt, 'group') && moreArgs >= 2) {
      if (!xreadgroup) throw new ReplyError('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
      args.group = argv[i + 1] as string;
      args.consumer = argv[i + 2] as string;
      i += 2;
    } else if (isOption(opt, 'noack')) {
      if (!xreadgroup) throw new ReplyError('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
      args.noAck = true;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  if (args.streamsAt === 0) throw new ReplyError(Errors.syntax);
  if (xreadgroup && args.group === null) throw new ReplyError('ERR Missing GROUP option for XREADGROUP');
  return args;
}

function readCommand(ctx: CommandContext, argv: string[], xreadgroup: boolean): void {
  const args = parseReadArgs(argv, xreadgroup, ctx.nowMs);
  const waking = wakeArgvs.has(argv);
  const n = args.streamCount;
  const keys = argv.slice(args.streamsAt, args.streamsAt + n);
  const ids: StreamId[] = [];
  const groups: ConsumerGroup[] = [];
  for (let k = 0; k < n; k++) {
    const key = keys[k] as string;
    const idText = argv[args.streamsAt + n + k] as string;
    if (waking) {
      // A woken reader is served like Redis's serveClientsBlockedOnStreamKey.
      const value = ctx.db.peek(key);
      if (args.group !== null) {
        if (!(value instanceof StreamValue)) throw new ReplyError('UNBLOCKED the stream key no longer exists');
        const group = value.group(args.group);
        if (group === undefined) throw new ReplyError('NOGROUP the consumer group this client was blocked on no longer exists');
        groups.push(group);
        ids.push(MAX_ID);
      } else {
        ids.push(parseStrictId(idText));
      }
      continue;
    }
    const stream = readStream(ctx, key);
    if (args.group !== null) {
      const group = stream?.group(args.group);
      if (group === undefined) {
        throw new ReplyError(`NOGROUP No such key '${cStringArg(key)}' or consumer group '${cStringArg(args.group)}' in XREADGROUP with GROUP option`);
      }
      groups.push(group);
    }
    if (idText === '$') {
      if (xreadgroup) {
        throw new ReplyError(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
      }
      ids.push(stream?.lastId ?? MIN_ID);
    } else if (idText === '>') {
      if (!xreadgroup) throw new ReplyError('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
      ids.push(MAX_ID);
    } else {
      ids.push(parseStrictId(idText));
    }
  }

  // Which streams have something to serve now.
  const serve: number[] = [];
  for (let k = 0; k < n; k++) {
    const value = waking ? ctx.db.peek(keys[k] as string) : lookupRead(ctx, keys[k] as string);
    if (!(value instanceof StreamValue)) continue;
    const gt = ids[k] as StreamId;
    const group = groups[k];
    if (group !== undefined) {
      if (!isMaxId(gt)) serve.push(k);
      else if (value.length > 0 && compareIds(value.edgeId(false) ?? MIN_ID, group.lastId) > 0) serve.push(k);
    } else if (waking ? compareIds(value.lastId, gt) > 0 : value.length > 0 && compareIds(value.edgeId(false) ?? MIN_ID, gt) > 0) {
      serve.push(k);
    }
  }
  if (serve.length > 0) {
    const reply = ctx.reply;
    // RESP3: a map key -> entries; RESP2: an array of [key, entries] pairs (not a flat map).
    if (reply.protocol === 3) reply.map(serve.length);
    else reply.array(serve.length);
    for (const k of serve) {
      const key = keys[k] as string;
      const stream = ctx.db.peek(key) as StreamValue;
      if (reply.protocol === 2) reply.array(2);
      reply.bulk(key);
      const group = groups[k];
      const gt = ids[k] as StreamId;
      if (group === undefined) {
        const start = nextId(gt) ?? MIN_ID;
        const entries = collectRange(stream, start, MAX_ID, false, args.count);
        reply.array(entries.length);
        for (const [ms, seq, fields] of entries) writeEntry(reply, ms, seq, fields);
        continue;
      }
      let consumer = group.consumers.get(args.consumer);
      if (consumer === undefined) {
        consumer = group.createConsumer(args.consumer, ctx.nowMs) ?? undefined;
        ctx.dirty();
        if (consumer !== undefined) notify(ctx, 't', 'xgroup-createconsumer', key);
      } else {
        consumer.seenTimeMs = ctx.nowMs;
      }
      if (consumer === undefined) continue;
      if (!isMaxId(gt)) deliverHistory(reply, stream, nextId(gt) ?? MIN_ID, args.count, consumer, ctx.nowMs);
      else deliverNew(reply, stream, nextId(group.lastId) ?? MIN_ID, args.count, group, consumer, args.noAck, ctx.nowMs);
      ctx.dirty();
    }
    // Redis propagates XCLAIMs instead; until several commands can be propagated for one, at
    // least never replay a BLOCK on a replica or from the AOF.
    if (args.group !== null && args.blockMs !== -1) ctx.propagateAs(withoutBlock(argv));
    return;
  }

  if (args.blockMs === -1 || !ctx.mayBlock) {
    ctx.reply.nullArray();
    return;
  }
  let wakeArgv = argv;
  if (!waking) {
    // BLOCK stays so that a reader with nothing to be served blocks again: it keeps its place
    // and its first deadline (the registry does not re-arm it), so the value does not matter.
    wakeArgv = [argv[0] as string, 'BLOCK', '0', 'COUNT', String(args.count === 0 ? BLOCKED_DEFAULT_COUNT : args.count)];
    if (args.group !== null) wakeArgv.push('GROUP', args.group, args.consumer);
    if (args.noAck) wakeArgv.push('NOACK');
    wakeArgv.push('STREAMS', ...keys, ...ids.map((id, k) => (args.group !== null ? (argv[args.streamsAt + n + k] as string) : formatId(id))));
    wakeArgvs.add(wakeArgv);
  }
  ctx.block({
    keys,
    timeoutAtMs: args.blockMs === 0 ? 0 : args.blockMs === WRAPPED_TIMEOUT ? ctx.nowMs : ctx.nowMs + args.blockMs,
    onTimeout: (reply) => reply.nullArray(),
    argvOnWake: wakeArgv,
  });
}

function withoutBlock(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (isOption(argv[i], 'streams')) return out.concat(argv.slice(i));
    if (isOption(argv[i], 'block') && i + 1 < argv.length) i++;
    else if (isOption(argv[i], 'group') && i + 2 < argv.length) {
      out.push(...argv.slice(i, i + 3));
      i += 2;
    } else out.push(argv[i] as string);
  }
  return out;
}

export const readCommands: readonly CommandDefinition[] = [
  { name: 'xread', handler: (ctx, argv) => readCommand(ctx, argv, false) },
  { name: 'xreadgroup', handler: (ctx, argv) => readCommand(ctx, argv, true) },
];
