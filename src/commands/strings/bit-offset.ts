import { Errors, ReplyError } from '../../lib/errors.js';
import { parseCanonicalInteger } from '../../keyspace/stored-value.js';
import type { CommandContext } from '../context.js';
import { maxStringBytes } from './string-access.js';

/**
 * Redis's getBitOffsetFromArgument: a bit offset below proto-max-bulk-len bytes. With
 * `fieldBits` > 0 (BITFIELD) the `#N` form means N × fieldBits, multiplied in 64-bit two's
 * complement like Redis's C code (so a huge N may wrap around to a valid offset there too).
 */
export function parseBitOffset(ctx: CommandContext, text: string, fieldBits = 0): number {
  const usesHash = fieldBits > 0 && text.length > 1 && text.charCodeAt(0) === 35;
  let offset = parseCanonicalInteger(usesHash ? text.slice(1) : text);
  if (offset === null) throw new ReplyError(Errors.bitOffset);
  if (usesHash) offset = BigInt.asIntN(64, offset * BigInt(fieldBits));
  if (offset < 0n || offset >> 3n >= BigInt(maxStringBytes(ctx))) throw new ReplyError(Errors.bitOffset);
  return Number(offset);
}
