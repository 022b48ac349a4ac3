import { Errors, ReplyError } from '../../lib/errors.js';
import { RawString } from '../../keyspace/raw-string.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { lookupRead, readString } from '../lookup.js';
import { notify } from '../notify.js';
import { isOption, parseInt64 } from '../parse.js';
import { isStringValue } from '../../keyspace/stored-value.js';
import { parseBitOffset } from './bit-offset.js';
import { byteAt, stringForBitWrite } from './string-access.js';

/** SETBIT GETBIT BITCOUNT BITPOS BITOP. Bit 0 is the most significant bit of byte 0. */

function setbit(ctx: CommandContext, argv: string[]): void {
  const offset = parseBitOffset(ctx, argv[2] as string);
  const onText = argv[3] as string;
  if (onText !== '0' && onText !== '1') {
    // Redis parses a long first, with the same message for "not a number" and "not 0 or 1".
    throw new ReplyError(Errors.bitValue);
  }
  const on = onText === '1' ? 1 : 0;
  const { raw, grew } = stringForBitWrite(ctx, argv[1] as string, offset);
  const byteIndex = offset >>> 3;
  const mask = 1 << (7 - (offset & 7));
  const before = raw.bytes[byteIndex] as number;
  const wasSet = (before & mask) !== 0;
  if (grew || wasSet !== (on === 1)) {
    raw.bytes[byteIndex] = on ? before | mask : before & ~mask;
    ctx.dirty();
    notify(ctx, '$', 'setbit', argv[1] as string);
  }
  ctx.reply.integer(wasSet ? 1 : 0);
}

function getbit(ctx: CommandContext, argv: string[]): void {
  const offset = parseBitOffset(ctx, argv[2] as string);
  const value = readString(ctx, argv[1] as string);
  const byteIndex = offset >>> 3;
  if (value === undefined || byteIndex >= value.length) {
    ctx.reply.integer(0);
    return;
  }
  ctx.reply.integer((byteAt(value, byteIndex) >> (7 - (offset & 7))) & 1);
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + (POPCOUNT[i >> 1] as number);

function popcount(value: string | RawString, fromByte: number, toByteExclusive: number): number {
  let count = 0;
  if (typeof value === 'string') {
    for (let i = fromByte; i < toByteExclusive; i++) count += POPCOUNT[value.charCodeAt(i)] as number;
  } else {
    const bytes = value.bytes;
    for (let i = fromByte; i < toByteExclusive; i++) count += POPCOUNT[bytes[i] as number] as number;
  }
  return count;
}

/** BIT or BYTE at argv[index] (BYTE when absent); other words are a syntax error. */
function isBitUnit(argv: readonly string[], index: number): boolean {
  const unit = argv[index];
  if (unit === undefined || isOption(unit, 'byte')) return false;
  if (isOption(unit, 'bit')) return true;
  throw new ReplyError(Errors.syntax);
}

/** Redis's range normalisation for BITCOUNT/BITPOS: negative from the end, clamped. */
function clampRange(start: bigint, end: bigint, total: bigint): [bigint, bigint] {
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  return [start, end];
}

function bitcount(ctx: CommandContext, argv: string[]): void {
  const value = readString(ctx, argv[1] as string);
  if (value === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (argv.length === 2) {
    ctx.reply.integer(popcount(value, 0, value.length));
    return;
  }
  if (argv.length !== 4 && argv.length !== 5) throw new ReplyError(Errors.syntax);
  const startArg = parseInt64(argv[2] as string);
  const endArg = parseInt64(argv[3] as string);
  if (startArg < 0n && endArg < 0n && startArg > endArg) {
    ctx.reply.integer(0);
    return;
  }
  const isBit = isBitUnit(argv, 4);
  const [start, end] = clampRange(startArg, endArg, BigInt(value.length) * (isBit ? 8n : 1n));
  if (start > end) {
    ctx.reply.integer(0);
    return;
  }
  if (!isBit) {
    ctx.reply.integer(popcount(value, Number(start), Number(end) + 1));
    return;
  }
  const firstBit = Number(start);
  const lastBit = Number(end);
  const firstByte = firstBit >>> 3;
  const lastByte = lastBit >>> 3;
  let count = popcount(value, firstByte, lastByte + 1);
  // Take away the bits of the edge bytes that lie outside the range.
  const headMask = (0xff00 >> (firstBit & 7)) & 0xff;
  const tailMask = (1 << (7 - (lastBit & 7))) - 1;
  count -= POPCOUNT[byteAt(value, firstByte) & headMask] as number;
  count -= POPCOUNT[byteAt(value, lastByte) & tailMask] as number;
  ctx.reply.integer(count);
}

function bitpos(ctx: CommandContext, argv: string[]): void {
  const bitArg = parseInt64(argv[2] as string);
  if (bitArg !== 0n && bitArg !== 1n) throw new ReplyError('ERR The bit argument must be 1 or 0.');
  const target = Number(bitArg);
  const stored = lookupRead(ctx, argv[1] as string);
  if (stored === undefined) {
    // A missing key is an endless run of zero bits.
    ctx.reply.integer(target === 1 ? -1 : 0);
    return;
  }
  if (!isStringValue(stored)) throw new ReplyError(Errors.wrongType);
  const value = stored;
  const length = BigInt(value.length);
  let firstBit: number;
  let lastBit: number;
  let endGiven = false;
  if (argv.length === 3) {
    firstBit = 0;
    lastBit = value.length * 8 - 1;
  } else if (argv.length <= 6) {
    const startArg = parseInt64(argv[3] as string);
    const isBit = isBitUnit(argv, 5);
    let endArg: bigint;
    if (argv.length >= 5) {
      endArg = parseInt64(argv[4] as string);
      endGiven = true;
    } else {
      endArg = isBit ? length * 8n + 7n : length - 1n;
    }
    const [start, end] = clampRange(startArg, endArg, isBit ? length * 8n : length);
    if (start > end) {
      ctx.reply.integer(-1);
      return;
    }
    firstBit = isBit ? Number(start) : Number(start) * 8;
    lastBit = isBit ? Number(end) : Number(end) * 8 + 7;
  } else {
    throw new ReplyError(Errors.syntax);
  }
  if (firstBit > lastBit) {
    ctx.reply.integer(-1);
    return;
  }
  const found = findBit(value, target, firstBit, lastBit);
  if (found !== -1) ctx.reply.integer(found);
  // Looking for a 0 without an explicit end: the string continues with zeros to its right.
  else if (target === 0 && !endGiven) ctx.reply.integer(lastBit + 1);
  else ctx.reply.integer(-1);
}

/** The first bit equal to `target` in [firstBit, lastBit], or -1. */
function findBit(value: string | RawString, target: number, firstBit: number, lastBit: number): number {
  const skip = target === 1 ? 0x00 : 0xff;
  let bit = firstBit;
  while (bit <= lastBit) {
    const byte = byteAt(value, bit >>> 3);
    if ((bit & 7) === 0 && bit + 7 <= lastBit && byte === skip) {
      bit += 8;
      continue;
    }
    if (((byte >> (7 - (bit & 7))) & 1) === target) return bit;
    bit++;
  }
  return -1;
}

function bitop(ctx: CommandContext, argv: string[]): void {
  const op = (argv[1] as string).toLowerCase();
  if (op !== 'and' && op !== 'or' && op !== 'xor' && op !== 'not') throw new ReplyError(Errors.syntax);
  if (op === 'not' && argv.length !== 4) throw new ReplyError('ERR BITOP NOT must be called with a single source key.');
  const target = argv[2] as string;
  const sources: Array<Buffer | undefined> = [];
  let maxLength = 0;
  for (let j = 3; j < argv.length; j++) {
    const value = lookupRead(ctx, argv[j] as string);
    if (value === undefined) {
      sources.push(undefined);
      continue;
    }
    if (!isStringValue(value)) throw new ReplyError(Errors.wrongType);
    const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value.bytes.subarray(0, value.length);
    sources.push(bytes);
    if (bytes.length > maxLength) maxLength = bytes.length;
  }
  if (maxLength === 0) {
    if (ctx.db.delete(target) !== undefined) {
      ctx.dirty();
      notify(ctx, 'g', 'del', target);
    }
    ctx.reply.integer(0);
    return;
  }
  const result = Buffer.alloc(maxLength);
  const first = sources[0];
  if (op === 'not') {
    for (let i = 0; i < maxLength; i++) result[i] = ~((first as Buffer)[i] as number) & 0xff;
  } else {
    // Missing bytes (shorter or missing sources) count as zeros.
    if (first !== undefined) first.copy(result);
    for (let s = 1; s < sources.length; s++) {
      const src = sources[s];
      for (let i = 0; i < maxLength; i++) {
        const b = src !== undefined && i < src.length ? (src[i] as number) : 0;
        const a = result[i] as number;
        result[i] = op === 'and' ? a & b : op === 'or' ? a | b : a ^ b;
      }
    }
  }
  // Redis stores the result as a raw string (OBJECT ENCODING raw).
  ctx.db.set(target, new RawString(result));
  ctx.dirty();
  notify(ctx, '$', 'set', target);
  ctx.reply.integer(maxLength);
}

export const bitCommands: readonly CommandDefinition[] = [
  { name: 'setbit', handler: setbit },
  { name: 'getbit', handler: getbit },
  { name: 'bitcount', handler: bitcount },
  { name: 'bitpos', handler: bitpos },
  { name: 'bitop', handler: bitop },
];
