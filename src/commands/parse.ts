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
 * absolute time in ms, with Redis's errors.
 */
export function blockTimeoutAtMsFromSeconds(text: string, nowMs: number): number {
  const seconds = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(seconds)) throw new ReplyError(Errors.timeoutNotFloat);
  if (seconds < 0) throw new ReplyError(Errors.timeoutNegative);
  const ms = Math.ceil(seconds * 1000);
  return ms === 0 ? 0 : nowMs + ms;
}
