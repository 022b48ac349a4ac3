import { Errors, ReplyError } from '../../lib/errors.js';
import { parseCanonicalInteger, isStringValue } from '../../keyspace/stored-value.js';
import type { RawString } from '../../keyspace/raw-string.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { lookupRead } from '../lookup.js';
import { notify } from '../notify.js';
import { isOption, parseInt64 } from '../parse.js';
import { parseBitOffset } from './bit-offset.js';
import { fieldAfterOverflow, type Overflow } from './bitfield-overflow.js';
import { byteAt, stringForBitWrite } from './string-access.js';

/**
 * BITFIELD and BITFIELD_RO: GET/SET/INCRBY on signed (i1..i64) or unsigned (u1..u63) integers
 * at any bit offset, big-endian bit order, with OVERFLOW WRAP|SAT|FAIL applying to the
 * operations after it. All arguments are checked before anything is written (Redis does too).
 */

interface FieldOp {
  kind: 'get' | 'set' | 'incrby';
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: Overflow;
}

const TYPE_ERROR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

function parseType(text: string): { signed: boolean; bits: number } {
  const prefix = text.charCodeAt(0);
  // Lowercase only, as Redis.
  if (prefix !== 0x69 && prefix !== 0x75) throw new ReplyError(TYPE_ERROR);
  const signed = prefix === 0x69;
  const bits = parseCanonicalInteger(text.slice(1));
  if (bits === null || bits < 1n || bits > (signed ? 64n : 63n)) throw new ReplyError(TYPE_ERROR);
  return { signed, bits: Number(bits) };
}

function parseOps(ctx: CommandContext, argv: readonly string[]): FieldOp[] {
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j] as string;
    let kind: FieldOp['kind'];
    if (isOption(sub, 'get') && remaining >= 2) kind = 'get';
    else if (isOption(sub, 'set') && remaining >= 3) kind = 'set';
    else if (isOption(sub, 'incrby') && remaining >= 3) kind = 'incrby';
    else if (isOption(sub, 'overflow') && remaining >= 1) {
      const name = (argv[++j] as string).toLowerCase();
      if (name !== 'wrap' && name !== 'sat' && name !== 'fail') throw new ReplyError('ERR Invalid OVERFLOW type specified');
      overflow = name;
      continue;
    } else {
      throw new ReplyError(Errors.syntax);
    }
    const { signed, bits } = parseType(argv[j + 1] as string);
    const offset = parseBitOffset(ctx, argv[j + 2] as string, bits);
    const value = kind === 'get' ? 0n : parseInt64(argv[j + 3] as string);
    ops.push({ kind, signed, bits, offset, value, overflow });
    j += kind === 'get' ? 2 : 3;
  }
  return ops;
}

/** The unsigned field at a bit offset; bytes past the end read as zeros. */
function readField(value: string | RawString | undefined, offset: number, bits: number): bigint {
  const firstByte = offset >>> 3;
  const lastByte = (offset + bits - 1) >>> 3;
  const length = value === undefined ? 0 : value.length;
  let acc = 0n;
  for (let i = firstByte; i <= lastByte; i++) {
    const byte = value !== undefined && i < length ? byteAt(value, i) : 0;
    acc = (acc << 8n) | BigInt(byte);
  }
  const spareLowBits = (lastByte + 1) * 8 - (offset + bits);
  return (acc >> BigInt(spareLowBits)) & ((1n << BigInt(bits)) - 1n);
}

function writeField(raw: RawString, offset: number, bits: number, field: bigint): void {
  for (let i = 0; i < bits; i++) {
    const bit = Number((field >> BigInt(bits - 1 - i)) & 1n);
    const at = offset + i;
    const byteIndex = at >>> 3;
    const mask = 1 << (7 - (at & 7));
    const before = raw.bytes[byteIndex] as number;
    raw.bytes[byteIndex] = bit ? before | mask : before & ~mask;
  }
}

function bitfieldGeneric(ctx: CommandContext, argv: string[], readOnly: boolean): void {
  const key = argv[1] as string;
  const ops = parseOps(ctx, argv);
  let highestWriteBit = -1;
  for (const op of ops) if (op.kind !== 'get') highestWriteBit = Math.max(highestWriteBit, op.offset + op.bits - 1);
  if (highestWriteBit < 0) {
    const value = lookupRead(ctx, key);
    if (value !== undefined && !isStringValue(value)) throw new ReplyError(Errors.wrongType);
    ctx.reply.array(ops.length);
    for (const op of ops) ctx.reply.integer(toSigned(op, readField(value, op.offset, op.bits)));
    return;
  }
  if (readOnly) throw new ReplyError('ERR BITFIELD_RO only supports the GET subcommand');
  const { raw, grew } = stringForBitWrite(ctx, key, highestWriteBit);
  let changes = 0;
  ctx.reply.array(ops.length);
  for (const op of ops) {
    const old = toSigned(op, readField(raw, op.offset, op.bits));
    if (op.kind === 'get') {
      ctx.reply.integer(old);
      continue;
    }
    // Unsigned SET takes the 64-bit pattern of the argument, so -1 overflows like 2^64-1.
    const requested = op.kind === 'incrby' ? old + op.value : op.signed ? op.value : BigInt.asUintN(64, op.value);
    const next = fieldAfterOverflow(op, requested, op.kind === 'set');
    if (next === null) {
      ctx.reply.null();
      continue;
    }
    ctx.reply.integer(op.kind === 'incrby' ? next : old);
    writeField(raw, op.offset, op.bits, BigInt.asUintN(op.bits, next));
    if (grew || next !== old) changes++;
  }
  if (changes > 0) {
    ctx.dirty(changes);
    notify(ctx, '$', 'setbit', argv[1] as string);
  }
}

function toSigned(op: FieldOp, field: bigint): bigint {
  return op.signed ? BigInt.asIntN(op.bits, field) : field;
}

export const bitfieldCommands: readonly CommandDefinition[] = [
  { name: 'bitfield', handler: (ctx, argv) => bitfieldGeneric(ctx, argv, false) },
  { name: 'bitfield_ro', handler: (ctx, argv) => bitfieldGeneric(ctx, argv, true) },
];
