import { ReplyError } from '../lib/errors.js';
import { RDB_VERSION, RdbOpcode } from '../persistence/rdb/constants.js';
import { crc64 } from '../persistence/rdb/crc64.js';
import { verifyDumpPayload } from '../persistence/rdb/dump-payload.js';
import { RdbFormatError } from '../persistence/rdb/rdb-format-error.js';
import { RdbInput } from '../persistence/rdb/rdb-input.js';
import { RdbOutput } from '../persistence/rdb/rdb-output.js';

/** The RDB version (u16) and CRC-64 (u64) that end the payload. */
const FOOTER_BYTES = 10;

/**
 * FUNCTION DUMP, as Redis 7.0's functionDumpCommand: per library RDB_OPCODE_FUNCTION2 and the
 * code as an RDB string (LZF-compressed like rdbcompression yes), then the RDB version
 * (u16 LE) and the CRC-64 of all that (u64 LE).
 */
export function encodeFunctionPayload(codes: readonly string[], compress = true): Buffer {
  const out = new RdbOutput(256);
  for (const code of codes) {
    out.byte(RdbOpcode.function2);
    out.string(code, compress);
  }
  out.u16LE(RDB_VERSION);
  const body = out.take();
  const payload = Buffer.allocUnsafe(body.length + 8);
  body.copy(payload, 0);
  payload.writeBigUInt64LE(crc64(body), body.length);
  return payload;
}

/**
 * FUNCTION RESTORE's reading: the library codes in the payload, or Redis's errors. The
 * pre-7.0-GA RDB_OPCODE_FUNCTION (name, engine, description, code) is converted to a
 * shebang, as rdbFunctionLoad does.
 */
export function decodeFunctionPayload(payload: Buffer): string[] {
  if (!verifyDumpPayload(payload)) throw new ReplyError('ERR DUMP payload version or checksum are wrong');
  const end = payload.length - FOOTER_BYTES;
  const input = new RdbInput(payload, 0, end);
  const codes: string[] = [];
  while (end - input.pos > 0) {
    let type: number;
    try {
      type = input.byte('the type');
    } catch (error) {
      if (error instanceof RdbFormatError) throw new ReplyError('ERR can not read data type');
      throw error;
    }
    if (type !== RdbOpcode.function && type !== RdbOpcode.function2) throw new ReplyError('ERR given type is not a function');
    codes.push(type === RdbOpcode.function2 ? readString(input, 'Failed loading library payload') : readPreGaLibrary(input));
  }
  return codes;
}

function readString(input: RdbInput, failure: string): string {
  try {
    return input.string();
  } catch (error) {
    if (error instanceof RdbFormatError) throw new ReplyError(`ERR ${failure}`);
    throw error;
  }
}

function readPreGaLibrary(input: RdbInput): string {
  const name = readString(input, 'Failed loading library name');
  const engine = readString(input, 'Failed loading engine name');
  let hasDescription: number;
  try {
    hasDescription = input.len();
  } catch (error) {
    if (error instanceof RdbFormatError) throw new ReplyError('ERR Failed loading library description indicator');
    throw error;
  }
  if (hasDescription !== 0) readString(input, 'Failed loading library description');
  const blob = readString(input, 'Failed loading library blob');
  return `#!${engine} name=${name}\n${blob}`;
}
