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

/**
 * A canonical decimal integer of at most 15 digits (so always a safe integer) as a number, or
 * null (longer, not canonical, not a number: the bigint path decides). Same rules as
 * parseCanonicalInteger: no '+', no leading zeros, "-0" is not an integer.
 */
function smallCanonicalInteger(text: string): number | null {
  const len = text.length;
  if (len === 0 || len > 16) return null;
  let i = 0;
  if (text.charCodeAt(0) === 45) {
    if (len === 1) return null;
    i = 1;
  }
  if (len - i > 15) return null;
  if (text.charCodeAt(i) === 48) return len === 1 ? 0 : null;
  let value = 0;
  for (; i < len; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return text.charCodeAt(0) === 45 ? -value : value;
}

/**
 * Redis's incrDecrCommand; the result is stored as its decimal text (OBJECT ENCODING int).
 * `smallIncrement` is the increment as a number when it is a safe integer (NaN otherwise): with
 * a safe current value and result, the arithmetic stays in doubles (INCR -P 16 spent its time
 * in BigInt parse, add and print).
 */
function incrDecr(ctx: CommandContext, key: string, increment: bigint, smallIncrement: number): void {
  const current = writeString(ctx, key);
  const currentText = current === undefined ? '0' : stringValueText(current);
  const small = smallCanonicalInteger(currentText);
  if (small !== null) {
    const sum = small + smallIncrement;
    if (Number.isSafeInteger(sum)) {
      store(ctx, key, current === undefined, String(sum));
      ctx.reply.integer(sum);
      return;
    }
  }
  const parsed = parseCanonicalInteger(currentText);
  if (parsed === null) throw new ReplyError(Errors.notInteger);
  const next = parsed + increment;
  if (next > INT64_MAX || next < INT64_MIN) throw new ReplyError(Errors.overflow);
  store(ctx, key, current === undefined, next.toString());
  ctx.reply.integer(next);
}

function store(ctx: CommandContext, key: string, isNew: boolean, text: string): void {
  if (isNew) ctx.db.set(key, text);
  else ctx.db.replace(key, text);
  ctx.dirty();
  notify(ctx, '$', 'incrby', key);
}

/** The increment as a number when safe, else NaN (then only the bigint path is taken). */
function smallOf(increment: bigint): number {
  return increment <= 9007199254740991n && increment >= -9007199254740991n ? Number(increment) : NaN;
}

function incrby(ctx: CommandContext, argv: string[]): void {
  const increment = parseInt64(argv[2] as string);
  incrDecr(ctx, argv[1] as string, increment, smallOf(increment));
}

function decrby(ctx: CommandContext, argv: string[]): void {
  const decrement = parseInt64(argv[2] as string);
  // Negating INT64_MIN would overflow before the sum is even tried.
  if (decrement === INT64_MIN) throw new ReplyError('ERR decrement would overflow');
  incrDecr(ctx, argv[1] as string, -decrement, smallOf(-decrement));
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
  { name: 'incr', handler: (ctx, argv) => incrDecr(ctx, argv[1] as string, 1n, 1) },
  { name: 'decr', handler: (ctx, argv) => incrDecr(ctx, argv[1] as string, -1n, -1) },
  { name: 'incrby', handler: incrby },
  { name: 'decrby', handler: decrby },
  { name: 'incrbyfloat', handler: incrbyfloat },
];
