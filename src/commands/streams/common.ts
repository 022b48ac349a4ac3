import { cStringArg, Errors, ReplyError } from '../../lib/errors.js';
import type { ReplyWriter } from '../../resp/reply-writer.js';
import type { StoredValue } from '../../keyspace/stored-value.js';
import { StreamValue, type NodeLimits } from '../../keyspace/types/stream/stream.js';
import { formatId, nextId, parseStreamId, previousId, type StreamId, type U64 } from '../../keyspace/types/stream/stream-id.js';
import type { CommandContext } from '../context.js';
import { lookupRead, lookupWrite } from '../lookup.js';
import { derivedFromConfig } from '../config-derived.js';

/** Stream error replies (Redis 7.0 t_stream.c) used by more than one command. */
export const StreamErrors = {
  invalidId: 'ERR Invalid stream ID specified as stream command argument',
  invalidStart: 'ERR invalid start ID for the interval',
  invalidEnd: 'ERR invalid end ID for the interval',
  noGroup: (key: string, group: string) => `NOGROUP No such key '${cStringArg(key)}' or consumer group '${cStringArg(group)}'`,
  noGroupForKey: (group: string, key: string) => `NOGROUP No such consumer group '${cStringArg(group)}' for key name '${cStringArg(key)}'`,
} as const;

function asStream(value: StoredValue | undefined): StreamValue | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof StreamValue)) throw new ReplyError(Errors.wrongType);
  return value;
}

export function readStream(ctx: CommandContext, key: string): StreamValue | undefined {
  return asStream(lookupRead(ctx, key));
}

export function writeStream(ctx: CommandContext, key: string): StreamValue | undefined {
  return asStream(lookupWrite(ctx, key));
}

export function nodeLimits(ctx: CommandContext): NodeLimits {
  return cachedNodeLimits(ctx.server.config);
}

const cachedNodeLimits = derivedFromConfig(
  (config): NodeLimits => ({ maxBytes: config.number('stream-node-max-bytes'), maxEntries: config.number('stream-node-max-entries') }),
);

/** streamParseStrictIDOrReply. */
export function parseStrictId(text: string, missingSeq: U64 = 0): StreamId {
  const parsed = parseStreamId(text, missingSeq, true);
  if (parsed.kind === 'invalid') throw new ReplyError(StreamErrors.invalidId);
  return parsed.id;
}

/** streamParseIDOrReply ("-" and "+" allowed). */
export function parseId(text: string, missingSeq: U64 = 0): StreamId {
  const parsed = parseStreamId(text, missingSeq, false);
  if (parsed.kind === 'invalid') throw new ReplyError(StreamErrors.invalidId);
  return parsed.id;
}

/** A range start: "(" makes it exclusive (streamParseIntervalIDOrReply + streamIncrID). */
export function parseRangeStart(text: string): StreamId {
  if (text.length > 1 && text.charCodeAt(0) === 40) {
    const id = nextId(parseStrictId(text.slice(1), 0));
    if (id === null) throw new ReplyError(StreamErrors.invalidStart);
    return id;
  }
  return parseId(text, 0);
}

export function parseRangeEnd(text: string): StreamId {
  const max = 18446744073709551615n;
  if (text.length > 1 && text.charCodeAt(0) === 40) {
    const id = previousId(parseStrictId(text.slice(1), max));
    if (id === null) throw new ReplyError(StreamErrors.invalidEnd);
    return id;
  }
  return parseId(text, max);
}

export function writeId(reply: ReplyWriter, ms: U64, seq: U64): void {
  reply.bulk(`${ms}-${seq}`);
}

export function writeStreamId(reply: ReplyWriter, id: StreamId): void {
  reply.bulk(formatId(id));
}

/** One entry: [id, [field, value, ...]]. */
export function writeEntry(reply: ReplyWriter, ms: U64, seq: U64, fields: readonly string[]): void {
  reply.array(2);
  reply.bulk(`${ms}-${seq}`);
  reply.array(fields.length);
  for (const f of fields) reply.bulk(f);
}

/** Entries in a range as a list (count 0 = all). */
export function collectRange(stream: StreamValue, start: StreamId, end: StreamId, reverse: boolean, count: number): Array<[U64, U64, readonly string[]]> {
  const out: Array<[U64, U64, readonly string[]]> = [];
  stream.range(start, end, reverse, (ms, seq, fields) => {
    out.push([ms, seq, fields]);
    return count === 0 || out.length < count;
  });
  return out;
}
