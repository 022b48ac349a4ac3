import { parseCanonicalInteger } from '../../keyspace/stored-value.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { addLongDoubles, formatLongDoubleHuman, parseLongDouble, type LongDouble } from '../strings/long-double.js';
import { hashLimits, writeOrCreateHash } from './hash-access.js';

/** HINCRBY HINCRBYFLOAT. */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function hincrby(ctx: CommandContext, argv: string[]): void {
  const increment = parseInt64(argv[3] as string);
  const hash = writeOrCreateHash(ctx, argv[1] as string);
  const field = argv[2] as string;
  const current = hash.get(field);
  let value = 0n;
  if (current !== undefined) {
    const parsed = parseCanonicalInteger(current);
    if (parsed === null) throw new ReplyError('ERR hash value is not an integer');
    value = parsed;
  }
  const next = value + increment;
  if (next > INT64_MAX || next < INT64_MIN) throw new ReplyError(Errors.overflow);
  hash.set(field, next.toString(), hashLimits(ctx));
  ctx.dirty();
  notify(ctx, 'h', 'hincrby', argv[1] as string);
  ctx.reply.integer(next);
}

/**
 * Long double arithmetic like INCRBYFLOAT; propagated as HSET with the result so replicas
 * store the same text.
 */
function hincrbyfloat(ctx: CommandContext, argv: string[]): void {
  const increment = parseLongDouble(argv[3] as string);
  if (increment === null) throw new ReplyError(Errors.notFloat);
  if (increment.infinite) throw new ReplyError('ERR value is NaN or Infinity');
  const key = argv[1] as string;
  const hash = writeOrCreateHash(ctx, key);
  const field = argv[2] as string;
  const current = hash.get(field);
  let value: LongDouble | null = ZERO;
  if (current !== undefined) {
    value = parseLongDouble(current);
    if (value === null) throw new ReplyError('ERR hash value is not a float');
  }
  const sum = addLongDoubles(value, increment);
  if (sum === 'inf') throw new ReplyError(Errors.nan);
  const text = formatLongDoubleHuman(sum);
  hash.set(field, text, hashLimits(ctx));
  ctx.dirty();
  notify(ctx, 'h', 'hincrbyfloat', key);
  ctx.reply.bulk(text);
  ctx.propagateAs(['HSET', key, field, text]);
}

const ZERO = parseLongDouble('0') as LongDouble;

export const incrementCommands: readonly CommandDefinition[] = [
  { name: 'hincrby', handler: hincrby },
  { name: 'hincrbyfloat', handler: hincrbyfloat },
];
