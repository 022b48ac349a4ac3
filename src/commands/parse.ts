import { Errors, ReplyError } from '../lib/errors.js';
import { parseCanonicalInteger } from '../keyspace/stored-value.js';

/**
 * Argument parsing shared by handlers, with Redis's error strings. Integers follow string2ll
 * (canonical, 64-bit); results are JS numbers when safe, bigint where 64-bit range matters.
 */

/** A 64-bit integer argument as bigint, or ReplyError (default: "value is not an integer..."). */
export function parseInt64(text: string, message: string = Errors.notInteger): bigint {
  const value = parseCanonicalInteger(text);
  if (value === null) throw new ReplyError(message);
  return value;
}

/** An integer argument that must fit a JS safe integer (counts, indexes, ms). */
export function parseSafeInt(text: string, message: string = Errors.notInteger): number {
  const value = parseInt64(text, message);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    // Still a valid 64-bit integer: clamp for comparisons; callers range-check it anyway.
    return value > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  }
  return Number(value);
}

/**
 * Redis's getIntFromObjectOrReply for an int (32-bit) argument, e.g. SELECT's index: a
 * non-integer gets `message`; a 64-bit integer outside int range gets Redis's range message
 * unless the caller gave its own message.
 */
export function parseInt32(text: string, message?: string): number {
  const value = parseInt64(text, message ?? Errors.notInteger);
  if (value > 2147483647n || value < -2147483648n) {
    throw new ReplyError(message ?? 'ERR value is out of range, value must between -2147483648 and 2147483647');
  }
  return Number(value);
}

/** Case-insensitive equality for option names (argv is latin1, options are ASCII). */
export function isOption(arg: string | undefined, option: string): boolean {
  return arg !== undefined && arg.length === option.length && arg.toLowerCase() === option;
}

/**
 * A blocking command's timeout in seconds (BLPOP, BZPOPMIN...: a float, 0 = forever) as an
 * absolute time in ms, with Redis's errors. Redis 7.0 reads it with strtold (hex floats and
 * inf accepted, nan refused, no spaces) and computes (long long) ceill(seconds * 1000) with no
 * range check, so anything at or past 2^63 ms wraps negative: "timeout is negative".
 */
export function blockTimeoutAtMsFromSeconds(text: string, nowMs: number): number {
  const seconds = parseLongDouble(text);
  if (seconds === null) throw new ReplyError(Errors.timeoutNotFloat);
  const ms = Math.ceil(seconds * 1000);
  if (!(ms < 2 ** 63) || ms < 0) throw new ReplyError(Errors.timeoutNegative);
  return ms === 0 ? 0 : nowMs + ms;
}

const DECIMAL_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(inity)?$/i;
/** Decimal exponents past which an x87 long double overflows or underflows (strtold's ERANGE). */
const LONG_DOUBLE_MAX_EXP10 = 4932;
const LONG_DOUBLE_MIN_EXP10 = -4951;

/** Redis's string2ld: strtold on the whole string, or null where Redis refuses it. */
function parseLongDouble(text: string): number | null {
  if (text.length === 0 || text.length >= 5 * 1024) return null;
  if (INFINITY.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  const decimal = DECIMAL_FLOAT.exec(text);
  if (decimal !== null) {
    const exp10 = decimalExponent(decimal[1] as string, decimal[2]);
    if (exp10 !== null && (exp10 > LONG_DOUBLE_MAX_EXP10 || exp10 < LONG_DOUBLE_MIN_EXP10)) return null;
    const value = Number(text);
    // Below a double's range but not a long double's (1e-400): still not zero for ceil().
    if (value === 0 && exp10 !== null) return text.startsWith('-') ? -Number.MIN_VALUE : Number.MIN_VALUE;
    return value;
  }
  const hex = HEX_FLOAT.exec(text);
  if (hex === null) return null;
  const [, sign, whole = '', fraction = '', exponent] = hex;
  if (whole.length === 0 && fraction.length === 0) return null;
  const mantissa = parseInt(whole + fraction || '0', 16) / 16 ** fraction.length;
  const value = mantissa * 2 ** Number(exponent ?? 0);
  return sign === '-' ? -value : value;
}

/** The power of ten of a decimal's first significant digit, or null when it is zero. */
function decimalExponent(mantissa: string, exponentPart: string | undefined): number | null {
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const first = digits.search(/[1-9]/);
  if (first === -1) return null;
  const integerDigits = point === -1 ? mantissa.length : point;
  return integerDigits - 1 - first + Number(exponentPart?.slice(1) ?? 0);
}
