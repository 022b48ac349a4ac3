import type { StoredValue } from '../../keyspace/stored-value.js';
import { ReplyError } from '../../lib/errors.js';
import { RDB_VERSION } from './constants.js';
import { crc64 } from './crc64.js';
import { RdbInput } from './rdb-input.js';
import { RdbOutput } from './rdb-output.js';
import { decodeValue, DEFAULT_DECODE_LIMITS, type DecodeLimits } from './value-decode.js';
import { encodeValue } from './value-encode.js';

/** The version (u16) and CRC-64 (u64) after the value. */
const FOOTER_BYTES = 10;

export const DUMP_PAYLOAD_WRONG = 'ERR DUMP payload version or checksum are wrong';
export const DUMP_BAD_DATA_FORMAT = 'ERR Bad data format';

/** DUMP: type byte, value, RDB version (u16 LE), CRC-64 of all that (u64 LE). */
export function encodeDumpPayload(value: StoredValue, options: { compress: boolean; listMaxListpackSize?: number; listCompressDepth?: number }): Buffer {
  const out = new RdbOutput(1024);
  encodeValue(value, out, options);
  out.u16LE(RDB_VERSION);
  const body = out.take();
  const payload = Buffer.allocUnsafe(body.length + 8);
  body.copy(payload, 0);
  payload.writeBigUInt64LE(crc64(body), body.length);
  return payload;
}

/** Redis's verifyDumpPayload: a known version and a matching checksum. */
export function verifyDumpPayload(payload: Buffer): boolean {
  if (payload.length < FOOTER_BYTES) return false;
  const version = payload.readUInt16LE(payload.length - FOOTER_BYTES);
  if (version > RDB_VERSION) return false;
  const expected = payload.readBigUInt64LE(payload.length - 8);
  return crc64(payload.subarray(0, payload.length - 8)) === expected;
}

/** RESTORE's decoding; throws ReplyError with Redis's messages. */
export function decodeDumpPayload(payload: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): StoredValue {
  if (!verifyDumpPayload(payload)) throw new ReplyError(DUMP_PAYLOAD_WRONG);
  const input = new RdbInput(payload, 0, payload.length - FOOTER_BYTES);
  try {
    const type = input.byte('the object type');
    return decodeValue(type, input, limits);
  } catch (error) {
    // RdbFormatError, or a value type refusing what corrupt data asked of it: Redis's
    // rdbLoadObject returns NULL for both.
    void error;
    throw new ReplyError(DUMP_BAD_DATA_FORMAT);
  }
}
