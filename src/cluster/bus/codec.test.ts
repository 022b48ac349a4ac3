import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeMessage, encodeMessage } from './codec.js';
import { HEADER, HEADER_BYTES, MessageFlag, MessageType, NodeFlag, PING_EXT_HEADER_BYTES } from './constants.js';
import type { ClusterMessage, DecodeErrorCode, MessageBody, MessageHeader } from './message.js';
import { AssertionError } from '../../lib/assert.js';
import { slotBitmapFromRanges } from '../slot-bitmap.js';

const TESTDATA = new URL('../../../../src/cluster/bus/testdata/', import.meta.url);
const golden = (name: string): Buffer => readFileSync(new URL(`${name}.bin`, TESTDATA));

const SENDER = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

function header(type: number, overrides: Partial<MessageHeader> = {}): MessageHeader {
  return {
    type,
    port: 7000,
    pport: 0,
    cport: 17000,
    currentEpoch: 3,
    configEpoch: 2,
    replicationOffset: 1234,
    senderId: SENDER,
    slotBitmap: slotBitmapFromRanges([{ start: 0, end: 99 }]),
    masterId: null,
    announcedIp: '',
    nodeFlags: NodeFlag.myself | NodeFlag.master,
    clusterState: 0,
    messageFlags: 0,
    ...overrides,
  };
}

function roundTrip(message: ClusterMessage): ClusterMessage {
  const frame = encodeMessage(message);
  const decoded = decodeMessage(frame);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.detail);
  assert.ok(encodeMessage(decoded.message).equals(frame));
  return decoded.message;
}

function expectError(frame: Buffer, code: DecodeErrorCode): void {
  const decoded = decodeMessage(frame);
  assert.equal(decoded.ok, false);
  if (!decoded.ok) assert.equal(decoded.error.code, code, decoded.error.detail);
}

/** A copy of `frame` with `patch` applied and totlen kept equal to its length. */
function patched(frame: Buffer, patch: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(frame);
  patch(copy);
  return copy;
}

test('every body kind survives encode then decode', () => {
  const bodies: [number, MessageBody][] = [
    [MessageType.fail, { kind: 'fail', failingNodeId: OTHER }],
    [MessageType.publish, { kind: 'publish', channel: 'news', message: 'bin\x00\xff' }],
    [MessageType.publishShard, { kind: 'publish', channel: '', message: '' }],
    [MessageType.update, { kind: 'update', configEpoch: 9, nodeId: OTHER, slotBitmap: slotBitmapFromRanges([{ start: 16000, end: 16383 }]) }],
    [MessageType.module, { kind: 'module', moduleId: 0x0123456789abcdefn, moduleType: 200, payload: 'module\x00payload' }],
    [MessageType.failoverAuthRequest, { kind: 'empty' }],
    [MessageType.failoverAuthAck, { kind: 'empty' }],
    [MessageType.mfstart, { kind: 'empty' }],
    [42, { kind: 'unknown', bytes: 'future body' }],
  ];
  for (const [type, body] of bodies) {
    const message = { header: header(type, { masterId: OTHER, announcedIp: '10.0.0.1', messageFlags: 0x030201 }), body };
    assert.deepEqual(roundTrip(message), message);
  }
});

test('module frames: module_id is kept in the sender byte order, the payload starts at 2269', () => {
  const frame = encodeMessage({ header: header(MessageType.module), body: { kind: 'module', moduleId: 1n, moduleType: 7, payload: 'xyz' } });
  assert.equal(frame.length, HEADER_BYTES + 13 + 3);
  assert.equal(frame[HEADER_BYTES], 1);
  assert.equal(frame.readUInt32BE(HEADER_BYTES + 8), 3);
  assert.equal(frame[HEADER_BYTES + 12], 7);
  assert.equal(frame.toString('latin1', 2269), 'xyz');
});

test('ping bodies: gossip entries, hostname and unknown extensions; EXT_DATA is set by the encoder', () => {
  const message: ClusterMessage = {
    header: header(MessageType.ping),
    body: {
      kind: 'ping',
      gossip: [
        { nodeId: OTHER, pingSentAtSec: 1, pongReceivedAtSec: 2, ip: '::1', port: 7001, cport: 17001, nodeFlags: NodeFlag.slave, pport: 6001 },
      ],
      extensions: [
        { kind: 'hostname', hostname: 'node-1.example' },
        { kind: 'unknown', type: 3, payload: '12345678' },
      ],
    },
  };
  const frame = encodeMessage(message);
  // 'node-1.example' + NUL = 15 bytes, padded to 16, after the 8-byte extension header.
  assert.equal(frame.length, HEADER_BYTES + 104 + (8 + 16) + (8 + 8));
  assert.equal(frame.readUInt16BE(HEADER.count.offset), 1);
  assert.equal(frame.readUInt16BE(HEADER.extensions.offset), 2);
  assert.equal(frame[HEADER.mflags.offset], MessageFlag.extData);
  const decoded = roundTrip(message);
  assert.deepEqual(decoded.body, message.body);
  assert.equal(decoded.header.messageFlags, MessageFlag.extData);
});

test('a hostname exactly filling its padding still gets a NUL: 7 chars take 8 bytes, 8 chars take 16', () => {
  const size = (hostname: string) =>
    encodeMessage({ header: header(MessageType.pong), body: { kind: 'ping', gossip: [], extensions: [{ kind: 'hostname', hostname }] } }).length -
    HEADER_BYTES -
    PING_EXT_HEADER_BYTES;
  assert.equal(size('abcdefg'), 8);
  assert.equal(size('abcdefgh'), 16);
});

test('bad frames give typed errors, not exceptions', () => {
  const ping = golden('ping-ext-hostname');
  expectError(ping.subarray(0, 100), 'short-frame');
  expectError(patched(ping, (f) => f.write('RCmX', 0, 'latin1')), 'bad-signature');
  expectError(ping.subarray(0, ping.length - 8), 'length-mismatch');
  expectError(patched(ping, (f) => f.writeUInt16BE(2, HEADER.ver.offset)), 'bad-version');
  expectError(patched(ping, (f) => f.writeUInt16BE(4, HEADER.count.offset)), 'body-length');
  expectError(patched(ping, (f) => f.writeUInt16BE(30, HEADER.count.offset)), 'body-length');
  expectError(patched(ping, (f) => f.writeUInt16BE(2, HEADER.extensions.offset)), 'bad-extension');
  const extAt = HEADER_BYTES + 3 * 104;
  expectError(patched(ping, (f) => f.writeUInt32BE(12, extAt)), 'bad-extension');
  expectError(patched(ping, (f) => f.writeUInt32BE(0, extAt)), 'bad-extension');
  expectError(patched(ping, (f) => f.writeUInt32BE(40, extAt)), 'bad-extension');
  expectError(
    patched(ping, (f) => {
      f.writeUInt32BE(24, extAt);
      f.writeUInt16BE(5, extAt + 4);
    }),
    'body-length',
  );
  expectError(patched(ping, (f) => (f[HEADER.mflags.offset] = 0)), 'bad-extension');
  expectError(patched(ping, (f) => f.fill(0x41, extAt + 8)), 'unterminated-string');
  expectError(patched(ping, (f) => f.fill(0x31, HEADER.myip.offset, HEADER.myip.offset + HEADER.myip.size)), 'unterminated-string');
  expectError(patched(ping, (f) => f.fill(0x31, HEADER_BYTES + 48, HEADER_BYTES + 94)), 'unterminated-string');
  expectError(patched(ping, (f) => f.writeBigUInt64BE(1n << 60n, HEADER.currentEpoch.offset)), 'u64-out-of-range');

  expectError(Buffer.concat([golden('fail'), Buffer.alloc(8)]), 'length-mismatch');
  const grow = (frame: Buffer, bytes: number) => patched(Buffer.concat([frame, Buffer.alloc(bytes)]), (f) => f.writeUInt32BE(f.length, HEADER.totlen.offset));
  expectError(grow(golden('fail'), 8), 'body-length');
  expectError(grow(golden('update'), 1), 'body-length');
  expectError(grow(golden('auth-ack'), 1), 'body-length');
  expectError(grow(golden('publish'), 1), 'body-length');
  expectError(patched(golden('publish'), (f) => f.writeUInt32BE(0xffffffff, HEADER_BYTES)), 'body-length');
  const module = encodeMessage({ header: header(MessageType.module), body: { kind: 'module', moduleId: 5n, moduleType: 1, payload: 'ab' } });
  expectError(grow(module, 1), 'body-length');
  const shortModule = patched(module.subarray(0, HEADER_BYTES + 4), (f) => f.writeUInt32BE(f.length, HEADER.totlen.offset));
  expectError(shortModule, 'body-length');
});

test('an unknown message type decodes with its raw body (Redis assumes it well formed)', () => {
  const frame = patched(golden('publish'), (f) => f.writeUInt16BE(77, HEADER.type.offset));
  const decoded = decodeMessage(frame);
  assert.ok(decoded.ok);
  assert.equal(decoded.message.header.type, 77);
  assert.equal(decoded.message.body.kind, 'unknown');
  assert.ok(encodeMessage(decoded.message).equals(frame));
});

test('bytes after a NUL in a fixed string field are ignored on read and zero on write', () => {
  const ping = golden('ping-gossip1');
  const dirty = patched(ping, (f) => (f[HEADER_BYTES + 48 + 20] = 0x7a));
  const decoded = decodeMessage(dirty);
  assert.ok(decoded.ok && decoded.message.body.kind === 'ping');
  assert.equal(decoded.message.body.gossip[0]!.ip, '127.0.0.1');
  assert.ok(encodeMessage(decoded.message).equals(ping));
});

test('encoding a malformed message is a programmer error', () => {
  const empty: MessageBody = { kind: 'empty' };
  assert.throws(() => encodeMessage({ header: header(MessageType.ping), body: empty }), AssertionError);
  assert.throws(() => encodeMessage({ header: header(MessageType.mfstart, { senderId: 'short' }), body: empty }), AssertionError);
  assert.throws(() => encodeMessage({ header: header(MessageType.mfstart, { currentEpoch: -1 }), body: empty }), AssertionError);
  assert.throws(() => encodeMessage({ header: header(MessageType.mfstart, { announcedIp: 'x'.repeat(46) }), body: empty }), AssertionError);
  assert.throws(() => encodeMessage({ header: header(MessageType.mfstart, { slotBitmap: new Uint8Array(10) }), body: empty }), AssertionError);
  assert.throws(
    () => encodeMessage({ header: header(MessageType.ping), body: { kind: 'ping', gossip: [], extensions: [{ kind: 'unknown', type: 9, payload: 'abc' }] } }),
    AssertionError,
  );
});
