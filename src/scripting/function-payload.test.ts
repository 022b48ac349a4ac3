import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError } from '../lib/errors.js';
import { crc64 } from '../persistence/rdb/crc64.js';
import { decodeFunctionPayload, encodeFunctionPayload } from './function-payload.js';

// FUNCTION DUMP of redis-server 7.0.15 with this one library (shared/fixtures/rdb/function.txt).
const FIXTURE_CODE = "#!lua name=fixturelib\nredis.register_function('fixture_echo', function(keys, args) return args[1] end)\n";
const FIXTURE_DUMP_HEX =
  'f5c3405e40671f23216c7561206e616d653d666978747572656c69620a72656469732e726567690e737465725f66756e6374696f6e2827a023075f6563686f272c20e000180d6b6579732c2061726773292072652046006e600c085b315d20656e64290a0a00c5cf0975fdaec033';

test("FUNCTION DUMP's payload is byte for byte redis-server's (LZF string, version, CRC-64)", () => {
  assert.equal(encodeFunctionPayload([FIXTURE_CODE]).toString('hex'), FIXTURE_DUMP_HEX);
});

test("redis-server's payload decodes to the library code; an empty dump is version and CRC only", () => {
  assert.deepEqual(decodeFunctionPayload(Buffer.from(FIXTURE_DUMP_HEX, 'hex')), [FIXTURE_CODE]);
  const empty = encodeFunctionPayload([]);
  assert.equal(empty.length, 10);
  assert.deepEqual(decodeFunctionPayload(empty), []);
  const two = encodeFunctionPayload(['#!lua name=a\nx', FIXTURE_CODE]);
  assert.deepEqual(decodeFunctionPayload(two), ['#!lua name=a\nx', FIXTURE_CODE]);
});

test('a damaged payload or a wrong type is refused with Redis errors', () => {
  const damaged = Buffer.from(FIXTURE_DUMP_HEX, 'hex');
  damaged[damaged.length - 1] = (damaged[damaged.length - 1] as number) ^ 1;
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      if (error instanceof ReplyError) return error.message;
      throw error;
    }
    return 'no error';
  };
  assert.equal(message(() => decodeFunctionPayload(damaged)), 'ERR DUMP payload version or checksum are wrong');
  assert.equal(message(() => decodeFunctionPayload(Buffer.from('short'))), 'ERR DUMP payload version or checksum are wrong');
  // A string value's DUMP (type 0, then the string) is not a function.
  const body = Buffer.from([0, 1, 0x61, 10, 0]);
  const stringDump = Buffer.alloc(body.length + 8);
  body.copy(stringDump);
  stringDump.writeBigUInt64LE(crc64(body), body.length);
  assert.equal(message(() => decodeFunctionPayload(stringDump)), 'ERR given type is not a function');
});
