import { Errors, ReplyError } from '../../lib/errors.js';
import { parseCanonicalInteger, stringValueText } from '../../keyspace/stored-value.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { addLongDoubles, formatLongDoubleHuman, parseLongDouble } from './long-double.js';
import { writeString } from './string-access.js';

/** INCR DECR INCRBY DECRBY INCRBYFLOAT. */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Redis's incrDecrCommand; the result is stored as its decimal text (OBJECT ENCODING int). */
function incrDecr(ctx: CommandContext, key: string, increment: bigint): void {
  const current = writeString(ctx, key);
  let value = 0n;
  if (current !== undefined) {
    const parsed = parseCanonicalInteger(stringValueText(current));
    if (parsed === null) throw new ReplyError(Errors.notInteger);
    value = parsed;
  }
  const next = value + increment;
  if (next > INT64_MAX || next < INT64_MIN) throw new ReplyError(Errors.overflow);
  const text = next.toString();
  if (current === undefined) ctx.db.set(key, text);
  else ctx.db.replace(key, text);
  ctx.dirty();
  notify(ctx, '$', 'incrby', key);
  ctx.reply.integer(next);
}

function decrby(ctx: CommandContext, argv: string[]): void {
  const decrement = parseInt64(argv[2] as string);
  // Negating INT64_MIN would overflow before the sum is even tried.
  if (decrement === INT64_MIN) throw new ReplyError('ERR decrement would overflow');
  incrDecr(ctx, argv[1] as string, -decrement);
}

/**
 * INCRBYFLOAT computes in x87 80-bit long double like Redis on x86-64, prints %.17Lf without
 * trailing zeros, and propagates as SET ... KEEPTTL so replicas need not redo the arithmetic.
 */
function incrbyfloat(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const current = writeString(ctx, key);
  const value = current === undefined ? parseLongDouble('0') : parseLongDouble(stringValueText(current));
  const increment = parseLongDouble(argv[2] as string);
  if (value === null || increment === null) throw new ReplyError(Errors.notFloat);
  const sum = addLongDoubles(value, increment);
  if (sum === 'inf') throw new ReplyError(Errors.nan);
  const text = formatLongDoubleHuman(sum);
  if (current === undefined) ctx.db.set(key, text);
  else ctx.db.replace(key, text);
  ctx.dirty();
  notify(ctx, '$', 'incrbyfloat', key);
  ctx.reply.bulk(text);
  ctx.propagateAs(['SET', key, text, 'KEEPTTL']);
}

export const counterCommands: readonly CommandDefinition[] = [
  { name: 'incr', handler: (ctx, argv) => incrDecr(ctx, argv[1] as string, 1n) },
  { name: 'decr', handler: (ctx, argv) => incrDecr(ctx, argv[1] as string, -1n) },
  { name: 'incrby', handler: (ctx, argv) => incrDecr(ctx, argv[1] as string, parseInt64(argv[2] as string)) },
  { name: 'decrby', handler: decrby },
  { name: 'incrbyfloat', handler: incrbyfloat },
];
