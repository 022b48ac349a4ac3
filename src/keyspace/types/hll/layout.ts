/**
 * Redis's HyperLogLog byte format (hyperloglog.c, 7.0): a 16-byte header — "HYLL", the encoding
 * (0 dense, 1 sparse), 3 unused bytes, the cached cardinality as a little-endian u64 whose top
 * bit marks the cache invalid — then the registers: 16384 six-bit registers packed LSB first
 * (dense, 12288 bytes) or a run-length opcode stream (sparse).
 */

export const HLL_P = 14;
/** Bits of the hash left after the register index: the longest 0…01 run is HLL_Q + 1. */
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
export const HLL_MAX_ENCODING = 1;

const ENCODING_OFFSET = 4;
const CARD_OFFSET = 8;
const CARD_FLAG_OFFSET = 15;
const INVALID_CACHE_BIT = 0x80;

/**
 * isHLLObjectOrReply's checks on the value's bytes: long enough for a header, "HYLL", a known
 * encoding, and a dense value of exactly the dense size.
 */
export function isValidHllHeader(bytes: Buffer, lengthBytes: number): boolean {
  if (lengthBytes < HLL_HDR_SIZE) return false;
  if (bytes[0] !== 0x48 || bytes[1] !== 0x59 || bytes[2] !== 0x4c || bytes[3] !== 0x4c) return false;
  const encoding = bytes[ENCODING_OFFSET] as number;
  if (encoding > HLL_MAX_ENCODING) return false;
  return encoding !== HLL_DENSE || lengthBytes === HLL_DENSE_SIZE;
}

/** The same checks on a latin1 string value, before it is unshared into a buffer. */
export function isValidHllText(text: string): boolean {
  if (text.length < HLL_HDR_SIZE || !text.startsWith('HYLL')) return false;
  const encoding = text.charCodeAt(ENCODING_OFFSET);
  if (encoding > HLL_MAX_ENCODING) return false;
  return encoding !== HLL_DENSE || text.length === HLL_DENSE_SIZE;
}

export function hllEncoding(bytes: Buffer): number {
  return bytes[ENCODING_OFFSET] as number;
}

export function setHllEncoding(bytes: Buffer, encoding: number): void {
  bytes[ENCODING_OFFSET] = encoding;
}

export function isCacheValid(bytes: Buffer): boolean {
  return ((bytes[CARD_FLAG_OFFSET] as number) & INVALID_CACHE_BIT) === 0;
}

export function invalidateCache(bytes: Buffer): void {
  bytes[CARD_FLAG_OFFSET] = (bytes[CARD_FLAG_OFFSET] as number) | INVALID_CACHE_BIT;
}

/** The cached cardinality as an unsigned 64-bit integer (a bigint only past 2^53). */
export function readCachedCardinality(bytes: Buffer): number | bigint {
  const lo = bytes.readUInt32LE(CARD_OFFSET);
  const hi = bytes.readUInt32LE(CARD_OFFSET + 4);
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function writeCachedCardinality(bytes: Buffer, cardinality: number | bigint): void {
  const value = BigInt(cardinality);
  bytes.writeUInt32LE(Number(value & 0xffffffffn), CARD_OFFSET);
  bytes.writeUInt32LE(Number((value >> 32n) & 0xffffffffn), CARD_OFFSET + 4);
}
