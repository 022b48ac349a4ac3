import { Errors, ReplyError } from '../../lib/errors.js';
import { RawString } from '../../keyspace/raw-string.js';
import { isStringValue, type StoredValue } from '../../keyspace/stored-value.js';
import type { CommandContext } from '../context.js';
import { lookupWrite } from '../lookup.js';

/**
 * Helpers shared by the string and bit commands: byte access on either string representation,
 * the in-place RawString for writes, and Redis's checkStringLength.
 */

/** The byte at `index` (caller checks index < length). */
export function byteAt(value: string | RawString, index: number): number {
  return typeof value === 'string' ? value.charCodeAt(index) : (value.bytes[index] as number);
}

/** A string value for writing: undefined when missing, WRONGTYPE for other types. */
export function writeString(ctx: CommandContext, key: string): string | RawString | undefined {
  const value: StoredValue | undefined = lookupWrite(ctx, key);
  if (value === undefined) return undefined;
  if (!isStringValue(value)) throw new ReplyError(Errors.wrongType);
  return value;
}

/**
 * The key's value as a RawString that may be edited in place, keeping the key's TTL; an
 * immutable string is converted once (Redis's dbUnshareStringValue, which also makes it `raw`).
 */
export function unshareString(ctx: CommandContext, key: string, value: string | RawString): RawString {
  if (value instanceof RawString) return value;
  const raw = new RawString(value);
  ctx.db.replace(key, raw);
  return raw;
}

/** proto-max-bulk-len, the longest string a write may produce (and SETBIT's offset bound). */
export function maxStringBytes(ctx: CommandContext): number {
  return Number(ctx.server.config.value('proto-max-bulk-len'));
}

/** Redis's checkStringLength. */
export function checkStringLength(ctx: CommandContext, lengthBytes: number): void {
  if (lengthBytes > maxStringBytes(ctx)) throw new ReplyError(Errors.stringTooLong);
}

/**
 * A string for bit writes that reach bit `maxBit`: created zero-filled or grown to cover it
 * (Redis's lookupStringForBitCommand). `grew` tells whether the value was created or lengthened.
 */
export function stringForBitWrite(ctx: CommandContext, key: string, maxBit: number): { raw: RawString; grew: boolean } {
  const byteCount = Math.floor(maxBit / 8) + 1;
  const existing = writeString(ctx, key);
  if (existing === undefined) {
    const raw = new RawString('');
    raw.ensureLength(byteCount);
    ctx.db.set(key, raw);
    return { raw, grew: true };
  }
  const raw = unshareString(ctx, key, existing);
  const before = raw.length;
  raw.ensureLength(byteCount);
  return { raw, grew: raw.length !== before };
}

/** Writes a string value as a bulk reply without converting a RawString to a JS string. */
export function replyStringValue(ctx: CommandContext, value: string | RawString): void {
  if (typeof value === 'string') ctx.reply.bulk(value);
  else ctx.reply.bulkBytes(value.bytes, value.length);
}
