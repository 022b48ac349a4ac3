import { Errors, ReplyError, cStringArg, sanitizeErrorText } from '../lib/errors.js';
import { RawString } from '../keyspace/raw-string.js';
import { isStringValue, type StoredValue } from '../keyspace/stored-value.js';
import { denseGetRegister, denseSet } from '../keyspace/types/hll/dense.js';
import { hllAdd, hllCount, hllCountRegisters, hllMergeInto } from '../keyspace/types/hll/hyperloglog.js';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  hllEncoding,
  invalidateCache,
  isCacheValid,
  isValidHllHeader,
  isValidHllText,
  readCachedCardinality,
  writeCachedCardinality,
} from '../keyspace/types/hll/layout.js';
import { decodeSparse, emptySparseHll, sparseSet, sparseToDense } from '../keyspace/types/hll/sparse.js';
import type { CommandContext, CommandDefinition } from './context.js';
import { notify } from './notify.js';
import { lookupRead, lookupWrite } from './lookup.js';
import { pfselftest } from './hyperloglog-selftest.js';
import { derivedFromConfig } from './config-derived.js';

/**
 * PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST (hyperloglog.c). HLLs are ordinary string values
 * in Redis's byte format; a command that uses one as an HLL first unshares it into a RawString
 * (Redis's dbUnshareStringValue, hence OBJECT ENCODING `raw`) and then edits its bytes in place.
 */

const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';

/** isHLLObjectOrReply: WRONGTYPE for other types and for strings that are not HLLs. */
function checkHll(value: StoredValue): string | RawString {
  if (!isStringValue(value)) throw new ReplyError(Errors.wrongType);
  const valid = typeof value === 'string' ? isValidHllText(value) : isValidHllHeader(value.bytes, value.length);
  if (!valid) throw new ReplyError(NOT_HLL);
  return value;
}

/** A checked HLL as a RawString owned by the key (converted once, TTL kept). */
function unshareHll(ctx: CommandContext, key: string, value: string | RawString): RawString {
  if (value instanceof RawString) return value;
  const raw = new RawString(value, 3);
  ctx.db.replace(key, raw);
  return raw;
}

/** The bytes of a checked HLL without converting it (sources of PFMERGE and PFCOUNT). */
function hllBytes(value: string | RawString): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value.bytes;
}

/** An existing HLL for writing, or a new empty (sparse) one stored under `key`. */
function hllForWrite(ctx: CommandContext, key: string): { raw: RawString; created: boolean } {
  const existing = lookupWrite(ctx, key);
  if (existing === undefined) {
    const raw = new RawString(emptySparseHll(), 16);
    ctx.db.set(key, raw);
    return { raw, created: true };
  }
  return { raw: unshareHll(ctx, key, checkHll(existing)), created: false };
}

/** hllSparseToDense in place; false when the sparse value is corrupt. */
function promoteToDense(raw: RawString): boolean {
  if (hllEncoding(raw.bytes) === HLL_DENSE) return true;
  const dense = sparseToDense(raw.bytes, raw.length);
  if (dense === null) return false;
  raw.bytes = dense;
  raw.length = HLL_DENSE_SIZE;
  return true;
}

function sparseMaxBytes(ctx: CommandContext): number {
  return cachedSparseMaxBytes(ctx.server.config);
}

const cachedSparseMaxBytes = derivedFromConfig((config) => config.number('hll-sparse-max-bytes'));

/** A cardinality is a uint64 that Redis replies as a long long. */
function replyCardinality(ctx: CommandContext, cardinality: number | bigint): void {
  if (typeof cardinality === 'bigint' && cardinality >= 1n << 63n) ctx.reply.integer(cardinality - (1n << 64n));
  else ctx.reply.integer(cardinality);
}

function pfadd(ctx: CommandContext, argv: string[]): void {
  const { raw, created } = hllForWrite(ctx, argv[1] as string);
  let updated = created ? 1 : 0;
  const maxBytes = sparseMaxBytes(ctx);
  for (let j = 2; j < argv.length; j++) {
    const result = hllAdd(raw, argv[j] as string, maxBytes);
    // Redis stops here without counting the changes already made (so nothing propagates).
    if (result === -1) throw new ReplyError(INVALID_HLL);
    updated += result;
  }
  if (updated > 0) {
    ctx.dirty(updated);
    invalidateCache(raw.bytes);
    notify(ctx, '$', 'pfadd', argv[1] as string);
  }
  ctx.reply.integer(updated > 0 ? 1 : 0);
}

// Union registers, one per byte, reused by PFCOUNT and PFMERGE (commands run one at a time).
const unionRegisters = new Uint8Array(HLL_REGISTERS);

/** Merges the HLLs at `keys` into unionRegisters; true when one of them is dense. */
function mergeKeys(ctx: CommandContext, keys: readonly string[]): boolean {
  unionRegisters.fill(0);
  let anyDense = false;
  for (const key of keys) {
    const value = lookupRead(ctx, key);
    if (value === undefined) continue;
    const hll = checkHll(value);
    const bytes = hllBytes(hll);
    if (hllEncoding(bytes) === HLL_DENSE) anyDense = true;
    if (!hllMergeInto(unionRegisters, bytes, hll.length)) throw new ReplyError(INVALID_HLL);
  }
  return anyDense;
}

function pfcount(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 2) {
    mergeKeys(ctx, argv.slice(1));
    replyCardinality(ctx, hllCountRegisters(unionRegisters));
    return;
  }
  const key = argv[1] as string;
  const value = lookupRead(ctx, key);
  if (value === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const raw = unshareHll(ctx, key, checkHll(value));
  if (isCacheValid(raw.bytes)) {
    replyCardinality(ctx, readCachedCardinality(raw.bytes));
    return;
  }
  const cardinality = hllCount(raw.bytes, raw.length);
  if (cardinality === null) throw new ReplyError(INVALID_HLL);
  writeCachedCardinality(raw.bytes, cardinality);
  // Writing the cache changes the string, so Redis counts it and propagates this PFCOUNT.
  ctx.dirty();
  replyCardinality(ctx, cardinality);
}

function pfmerge(ctx: CommandContext, argv: string[]): void {
  // The destination is argv[1], so it is checked and merged like every source.
  const anyDense = mergeKeys(ctx, argv.slice(1));
  const { raw } = hllForWrite(ctx, argv[1] as string);
  if (anyDense && !promoteToDense(raw)) throw new ReplyError(INVALID_HLL);
  const maxBytes = sparseMaxBytes(ctx);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const value = unionRegisters[j] as number;
    if (value === 0) continue;
    if (hllEncoding(raw.bytes) === HLL_DENSE) denseSet(raw.bytes, j, value);
    else sparseSet(raw, j, value, maxBytes);
  }
  invalidateCache(raw.bytes);
  ctx.dirty();
  notify(ctx, '$', 'pfadd', argv[1] as string);
  ctx.reply.ok();
}

function pfdebug(ctx: CommandContext, argv: string[]): void {
  const subcommand = argv[1] as string;
  const key = argv[2] as string;
  const value = lookupWrite(ctx, key);
  if (value === undefined) throw new ReplyError('ERR The specified key does not exist');
  const raw = unshareHll(ctx, key, checkHll(value));
  switch (subcommand.toLowerCase()) {
    case 'getreg': {
      if (hllEncoding(raw.bytes) === HLL_SPARSE) {
        if (!promoteToDense(raw)) throw new ReplyError(INVALID_HLL);
        ctx.dirty();
      }
      ctx.reply.array(HLL_REGISTERS);
      for (let j = 0; j < HLL_REGISTERS; j++) ctx.reply.integer(denseGetRegister(raw.bytes, j));
      return;
    }
    case 'decode':
      if (hllEncoding(raw.bytes) !== HLL_SPARSE) throw new ReplyError('ERR HLL encoding is not sparse');
      ctx.reply.bulk(decodeSparse(raw.bytes, raw.length));
      return;
    case 'encoding':
      ctx.reply.simple(hllEncoding(raw.bytes) === HLL_DENSE ? 'dense' : 'sparse');
      return;
    case 'todense': {
      let converted = 0;
      if (hllEncoding(raw.bytes) === HLL_SPARSE) {
        if (!promoteToDense(raw)) throw new ReplyError(INVALID_HLL);
        converted = 1;
        ctx.dirty();
      }
      ctx.reply.integer(converted);
      return;
    }
    default:
      throw new ReplyError(sanitizeErrorText(`ERR Unknown PFDEBUG subcommand '${cStringArg(subcommand)}'`));
  }
}

export const hyperloglogCommands: readonly CommandDefinition[] = [
  { name: 'pfadd', handler: pfadd },
  { name: 'pfcount', handler: pfcount },
  { name: 'pfmerge', handler: pfmerge },
  { name: 'pfdebug', handler: pfdebug },
  { name: 'pfselftest', handler: pfselftest },
];
