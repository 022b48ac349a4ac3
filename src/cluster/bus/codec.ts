/**
 * Cluster bus codec: one whole frame (Buffer) ⇄ ClusterMessage, byte for byte compatible with
 * Redis 7.0 (src/cluster.c: clusterBuildMessageHdr, clusterSendPing, clusterProcessPacket).
 * Pure: no I/O, no clock. Decoding checks everything Redis checks before it trusts a frame and
 * returns a DecodeError rather than throwing; encoding asserts its input (a bad message built by
 * our own code is a programmer error).
 *
 * Encoding is canonical, like Redis's own writer: reserved bytes and the bytes after a string's
 * NUL are zero. So encodeMessage(decodeMessage(frame)) === frame for every frame Redis writes.
 */
import { assert } from '../../lib/assert.js';
import { SLOT_BITMAP_BYTES } from '../slot-bitmap.js';
import {
  FAIL_BODY,
  FAIL_BODY_BYTES,
  GOSSIP,
  GOSSIP_ENTRY_BYTES,
  HEADER,
  HEADER_BYTES,
  IP_FIELD_BYTES,
  MODULE_BODY,
  MODULE_BODY_FIXED_BYTES,
  MessageFlag,
  MessageType,
  NODE_ID_BYTES,
  PING_EXT,
  PING_EXT_ALIGN_BYTES,
  PING_EXT_HEADER_BYTES,
  PROTOCOL_VERSION,
  PUBLISH_BODY,
  PUBLISH_BODY_FIXED_BYTES,
  PingExtType,
  SIGNATURE,
  UPDATE_BODY,
  UPDATE_BODY_BYTES,
} from './constants.js';
import type {
  ClusterMessage,
  DecodeError,
  DecodeErrorCode,
  DecodeResult,
  GossipEntry,
  MessageBody,
  MessageHeader,
  PingExtension,
} from './message.js';

type BodyKind = MessageBody['kind'];

/** Which body a message type carries; types 7.0 does not know carry an 'unknown' body. */
export function bodyKindOf(type: number): BodyKind {
  switch (type) {
    case MessageType.ping:
    case MessageType.pong:
    case MessageType.meet:
      return 'ping';
    case MessageType.fail:
      return 'fail';
    case MessageType.publish:
    case MessageType.publishShard:
      return 'publish';
    case MessageType.update:
      return 'update';
    case MessageType.module:
      return 'module';
    case MessageType.failoverAuthRequest:
    case MessageType.failoverAuthAck:
    case MessageType.mfstart:
      return 'empty';
    default:
      return 'unknown';
  }
}

class DecodeFailure extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

function fail(code: DecodeErrorCode, detail: string): never {
  throw new DecodeFailure(code, detail);
}

export function decodeMessage(frame: Buffer): DecodeResult {
  try {
    return { ok: true, message: decodeOrThrow(frame) };
  } catch (error) {
    if (error instanceof DecodeFailure) {
      const decodeError: DecodeError = { code: error.code, detail: error.detail };
      return { ok: false, error: decodeError };
    }
    throw error;
  }
}

function decodeOrThrow(frame: Buffer): ClusterMessage {
  if (frame.length < HEADER_BYTES) fail('short-frame', `frame of ${frame.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  if (frame.toString('latin1', 0, 4) !== SIGNATURE) fail('bad-signature', 'frame does not start with "RCmb"');
  const totlen = frame.readUInt32BE(HEADER.totlen.offset);
  if (totlen !== frame.length) fail('length-mismatch', `totlen ${totlen} but the frame has ${frame.length} bytes`);
  const version = frame.readUInt16BE(HEADER.ver.offset);
  if (version !== PROTOCOL_VERSION) fail('bad-version', `protocol version ${version}, expected ${PROTOCOL_VERSION}`);

  const header = decodeHeader(frame);
  const count = frame.readUInt16BE(HEADER.count.offset);
  const extensions = frame.readUInt16BE(HEADER.extensions.offset);
  const body = decodeBody(frame, header, count, extensions);
  return { header, body };
}

function decodeHeader(frame: Buffer): MessageHeader {
  const slaveof = frame.subarray(HEADER.slaveof.offset, HEADER.slaveof.offset + NODE_ID_BYTES);
  const mflags = HEADER.mflags.offset;
  return {
    type: frame.readUInt16BE(HEADER.type.offset),
    port: frame.readUInt16BE(HEADER.port.offset),
    pport: frame.readUInt16BE(HEADER.pport.offset),
    cport: frame.readUInt16BE(HEADER.cport.offset),
    currentEpoch: readU64(frame, HEADER.currentEpoch.offset, 'currentEpoch'),
    configEpoch: readU64(frame, HEADER.configEpoch.offset, 'configEpoch'),
    replicationOffset: readU64(frame, HEADER.offset.offset, 'offset'),
    senderId: frame.toString('latin1', HEADER.sender.offset, HEADER.sender.offset + NODE_ID_BYTES),
    slotBitmap: Uint8Array.from(frame.subarray(HEADER.myslots.offset, HEADER.myslots.offset + SLOT_BITMAP_BYTES)),
    masterId: slaveof.every((byte) => byte === 0) ? null : slaveof.toString('latin1'),
    announcedIp: readCString(frame, HEADER.myip.offset, IP_FIELD_BYTES, 'myip'),
    nodeFlags: frame.readUInt16BE(HEADER.flags.offset),
    clusterState: frame.readUInt8(HEADER.state.offset),
    messageFlags: frame[mflags]! | (frame[mflags + 1]! << 8) | (frame[mflags + 2]! << 16),
  };
}

function decodeBody(frame: Buffer, header: MessageHeader, count: number, extensions: number): MessageBody {
  const totlen = frame.length;
  const at = HEADER_BYTES;
  const expectLength = (expected: number): void => {
    if (totlen !== expected) fail('body-length', `type ${header.type}: totlen ${totlen}, expected ${expected}`);
  };
  switch (bodyKindOf(header.type)) {
    case 'ping':
      return decodePingBody(frame, header, count, extensions);
    case 'fail':
      expectLength(at + FAIL_BODY_BYTES);
      return { kind: 'fail', failingNodeId: frame.toString('latin1', at + FAIL_BODY.nodename.offset, at + FAIL_BODY_BYTES) };
    case 'publish': {
      if (totlen < at + PUBLISH_BODY_FIXED_BYTES) fail('body-length', `publish frame of ${totlen} bytes has no lengths`);
      const channelBytes = frame.readUInt32BE(at + PUBLISH_BODY.channel_len.offset);
      const messageBytes = frame.readUInt32BE(at + PUBLISH_BODY.message_len.offset);
      const dataAt = at + PUBLISH_BODY_FIXED_BYTES;
      expectLength(dataAt + channelBytes + messageBytes);
      return {
        kind: 'publish',
        channel: frame.toString('latin1', dataAt, dataAt + channelBytes),
        message: frame.toString('latin1', dataAt + channelBytes, totlen),
      };
    }
    case 'update': {
      expectLength(at + UPDATE_BODY_BYTES);
      const slotsAt = at + UPDATE_BODY.slots.offset;
      return {
        kind: 'update',
        configEpoch: readU64(frame, at + UPDATE_BODY.configEpoch.offset, 'update configEpoch'),
        nodeId: frame.toString('latin1', at + UPDATE_BODY.nodename.offset, at + UPDATE_BODY.nodename.offset + NODE_ID_BYTES),
        slotBitmap: Uint8Array.from(frame.subarray(slotsAt, slotsAt + SLOT_BITMAP_BYTES)),
      };
    }
    case 'module': {
      if (totlen < at + MODULE_BODY_FIXED_BYTES) fail('body-length', `module frame of ${totlen} bytes has no length`);
      const payloadBytes = frame.readUInt32BE(at + MODULE_BODY.len.offset);
      expectLength(at + MODULE_BODY_FIXED_BYTES + payloadBytes);
      return {
        kind: 'module',
        moduleId: frame.readBigUInt64LE(at + MODULE_BODY.module_id.offset),
        moduleType: frame.readUInt8(at + MODULE_BODY.type.offset),
        payload: frame.toString('latin1', at + MODULE_BODY_FIXED_BYTES, totlen),
      };
    }
    case 'empty':
      expectLength(at);
      return { kind: 'empty' };
    case 'unknown':
      return { kind: 'unknown', bytes: frame.toString('latin1', at) };
  }
}

function decodePingBody(frame: Buffer, header: MessageHeader, count: number, extensionCount: number): MessageBody {
  const totlen = frame.length;
  const gossipEnd = HEADER_BYTES + count * GOSSIP_ENTRY_BYTES;
  if (gossipEnd > totlen) fail('body-length', `${count} gossip entries need ${gossipEnd} bytes, totlen is ${totlen}`);
  const gossip: GossipEntry[] = [];
  for (let i = 0; i < count; i++) gossip.push(decodeGossip(frame, HEADER_BYTES + i * GOSSIP_ENTRY_BYTES));

  // Redis reads extensions only when EXT_DATA is set; a count without the flag would make it
  // read past totlen, so such a frame is refused rather than half-read.
  const extensions: PingExtension[] = [];
  let at = gossipEnd;
  if ((header.messageFlags & MessageFlag.extData) !== 0) {
    for (let i = 0; i < extensionCount; i++) {
      if (at + PING_EXT_HEADER_BYTES > totlen) fail('bad-extension', `extension ${i} starts past totlen ${totlen}`);
      const length = frame.readUInt32BE(at + PING_EXT.length.offset);
      if (length < PING_EXT_HEADER_BYTES || length % PING_EXT_ALIGN_BYTES !== 0) {
        fail('bad-extension', `extension ${i} has length ${length}, not a multiple of ${PING_EXT_ALIGN_BYTES} of at least ${PING_EXT_HEADER_BYTES}`);
      }
      if (at + length > totlen) fail('bad-extension', `extension ${i} (${length} bytes at ${at}) exceeds totlen ${totlen}`);
      extensions.push(decodeExtension(frame, at, length));
      at += length;
    }
  } else if (extensionCount !== 0) {
    fail('bad-extension', `${extensionCount} extensions announced without the EXT_DATA flag`);
  }
  if (at !== totlen) fail('body-length', `type ${header.type}: body ends at ${at}, totlen is ${totlen}`);
  return { kind: 'ping', gossip, extensions };
}

function decodeGossip(frame: Buffer, at: number): GossipEntry {
  return {
    nodeId: frame.toString('latin1', at + GOSSIP.nodename.offset, at + GOSSIP.nodename.offset + NODE_ID_BYTES),
    pingSentAtSec: frame.readUInt32BE(at + GOSSIP.ping_sent.offset),
    pongReceivedAtSec: frame.readUInt32BE(at + GOSSIP.pong_received.offset),
    ip: readCString(frame, at + GOSSIP.ip.offset, IP_FIELD_BYTES, 'gossip ip'),
    port: frame.readUInt16BE(at + GOSSIP.port.offset),
    cport: frame.readUInt16BE(at + GOSSIP.cport.offset),
    nodeFlags: frame.readUInt16BE(at + GOSSIP.flags.offset),
    pport: frame.readUInt16BE(at + GOSSIP.pport.offset),
  };
}

function decodeExtension(frame: Buffer, at: number, length: number): PingExtension {
  const type = frame.readUInt16BE(at + PING_EXT.type.offset);
  const payloadAt = at + PING_EXT_HEADER_BYTES;
  if (type === PingExtType.hostname) {
    return { kind: 'hostname', hostname: readCString(frame, payloadAt, length - PING_EXT_HEADER_BYTES, 'hostname extension') };
  }
  return { kind: 'unknown', type, payload: frame.toString('latin1', payloadAt, at + length) };
}

/** A NUL-terminated string in a fixed-size field; a field without a NUL is refused. */
function readCString(frame: Buffer, at: number, size: number, field: string): string {
  const length = frame.subarray(at, at + size).indexOf(0);
  if (length === -1) fail('unterminated-string', `${field} has no NUL within its ${size} bytes`);
  return frame.toString('latin1', at, at + length);
}

function readU64(frame: Buffer, at: number, field: string): number {
  const value = frame.readBigUInt64BE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail('u64-out-of-range', `${field} ${value} is above 2^53 - 1`);
  return Number(value);
}

// ---------------------------------------------------------------------------------------------
// Encoding

export function encodeMessage(message: ClusterMessage): Buffer {
  const { header, body } = message;
  assert(body.kind === bodyKindOf(header.type), `message type ${header.type} cannot carry a '${body.kind}' body`);
  const frame = Buffer.alloc(HEADER_BYTES + bodyBytes(body));
  const extensionCount = body.kind === 'ping' ? body.extensions.length : 0;
  const messageFlags = extensionCount > 0 ? header.messageFlags | MessageFlag.extData : header.messageFlags;
  encodeHeader(frame, header, messageFlags);
  frame.writeUInt16BE(body.kind === 'ping' ? body.gossip.length : 0, HEADER.count.offset);
  frame.writeUInt16BE(extensionCount, HEADER.extensions.offset);
  encodeBody(frame, body);
  return frame;
}

function bodyBytes(body: MessageBody): number {
  switch (body.kind) {
    case 'ping':
      return body.gossip.length * GOSSIP_ENTRY_BYTES + body.extensions.reduce((sum, ext) => sum + extensionBytes(ext), 0);
    case 'fail':
      return FAIL_BODY_BYTES;
    case 'publish':
      return PUBLISH_BODY_FIXED_BYTES + body.channel.length + body.message.length;
    case 'update':
      return UPDATE_BODY_BYTES;
    case 'module':
      return MODULE_BODY_FIXED_BYTES + body.payload.length;
    case 'empty':
      return 0;
    case 'unknown':
      return body.bytes.length;
  }
}

/** getHostnamePingExtSize: the 8-byte header, then the hostname, its NUL, zero padding to 8. */
function extensionBytes(ext: PingExtension): number {
  if (ext.kind === 'hostname') return PING_EXT_HEADER_BYTES + alignUp(ext.hostname.length + 1, PING_EXT_ALIGN_BYTES);
  return PING_EXT_HEADER_BYTES + ext.payload.length;
}

function alignUp(bytes: number, alignment: number): number {
  return Math.ceil(bytes / alignment) * alignment;
}

function encodeHeader(frame: Buffer, header: MessageHeader, messageFlags: number): void {
  frame.write(SIGNATURE, HEADER.sig.offset, 'latin1');
  frame.writeUInt32BE(frame.length, HEADER.totlen.offset);
  frame.writeUInt16BE(PROTOCOL_VERSION, HEADER.ver.offset);
  frame.writeUInt16BE(header.port, HEADER.port.offset);
  frame.writeUInt16BE(header.type, HEADER.type.offset);
  writeU64(frame, header.currentEpoch, HEADER.currentEpoch.offset);
  writeU64(frame, header.configEpoch, HEADER.configEpoch.offset);
  writeU64(frame, header.replicationOffset, HEADER.offset.offset);
  writeNodeId(frame, header.senderId, HEADER.sender.offset);
  writeSlotBitmap(frame, header.slotBitmap, HEADER.myslots.offset);
  if (header.masterId !== null) writeNodeId(frame, header.masterId, HEADER.slaveof.offset);
  writeCString(frame, header.announcedIp, HEADER.myip.offset, IP_FIELD_BYTES);
  frame.writeUInt16BE(header.pport, HEADER.pport.offset);
  frame.writeUInt16BE(header.cport, HEADER.cport.offset);
  frame.writeUInt16BE(header.nodeFlags, HEADER.flags.offset);
  frame.writeUInt8(header.clusterState, HEADER.state.offset);
  assert(Number.isInteger(messageFlags) && messageFlags >= 0 && messageFlags < 1 << 24, `bad message flags ${messageFlags}`);
  frame.writeUIntLE(messageFlags, HEADER.mflags.offset, HEADER.mflags.size);
}

function encodeBody(frame: Buffer, body: MessageBody): void {
  const at = HEADER_BYTES;
  switch (body.kind) {
    case 'ping': {
      body.gossip.forEach((entry, i) => encodeGossip(frame, entry, at + i * GOSSIP_ENTRY_BYTES));
      let extAt = at + body.gossip.length * GOSSIP_ENTRY_BYTES;
      for (const ext of body.extensions) extAt = encodeExtension(frame, ext, extAt);
      assert(extAt === frame.length, 'ping body size mismatch');
      return;
    }
    case 'fail':
      writeNodeId(frame, body.failingNodeId, at + FAIL_BODY.nodename.offset);
      return;
    case 'publish':
      frame.writeUInt32BE(body.channel.length, at + PUBLISH_BODY.channel_len.offset);
      frame.writeUInt32BE(body.message.length, at + PUBLISH_BODY.message_len.offset);
      frame.write(body.channel, at + PUBLISH_BODY_FIXED_BYTES, 'latin1');
      frame.write(body.message, at + PUBLISH_BODY_FIXED_BYTES + body.channel.length, 'latin1');
      return;
    case 'update':
      writeU64(frame, body.configEpoch, at + UPDATE_BODY.configEpoch.offset);
      writeNodeId(frame, body.nodeId, at + UPDATE_BODY.nodename.offset);
      writeSlotBitmap(frame, body.slotBitmap, at + UPDATE_BODY.slots.offset);
      return;
    case 'module':
      assert(body.moduleId >= 0n && body.moduleId < 1n << 64n, 'module id is not a u64');
      frame.writeBigUInt64LE(body.moduleId, at + MODULE_BODY.module_id.offset);
      frame.writeUInt32BE(body.payload.length, at + MODULE_BODY.len.offset);
      frame.writeUInt8(body.moduleType, at + MODULE_BODY.type.offset);
      frame.write(body.payload, at + MODULE_BODY_FIXED_BYTES, 'latin1');
      return;
    case 'empty':
      return;
    case 'unknown':
      frame.write(body.bytes, at, 'latin1');
      return;
  }
}

function encodeGossip(frame: Buffer, entry: GossipEntry, at: number): void {
  writeNodeId(frame, entry.nodeId, at + GOSSIP.nodename.offset);
  frame.writeUInt32BE(entry.pingSentAtSec, at + GOSSIP.ping_sent.offset);
  frame.writeUInt32BE(entry.pongReceivedAtSec, at + GOSSIP.pong_received.offset);
  writeCString(frame, entry.ip, at + GOSSIP.ip.offset, IP_FIELD_BYTES);
  frame.writeUInt16BE(entry.port, at + GOSSIP.port.offset);
  frame.writeUInt16BE(entry.cport, at + GOSSIP.cport.offset);
  frame.writeUInt16BE(entry.nodeFlags, at + GOSSIP.flags.offset);
  frame.writeUInt16BE(entry.pport, at + GOSSIP.pport.offset);
}

/** Writes one extension at `at` and returns where the next one starts. */
function encodeExtension(frame: Buffer, ext: PingExtension, at: number): number {
  const length = extensionBytes(ext);
  frame.writeUInt32BE(length, at + PING_EXT.length.offset);
  if (ext.kind === 'hostname') {
    frame.writeUInt16BE(PingExtType.hostname, at + PING_EXT.type.offset);
    writeCString(frame, ext.hostname, at + PING_EXT_HEADER_BYTES, length - PING_EXT_HEADER_BYTES);
  } else {
    assert(ext.payload.length % PING_EXT_ALIGN_BYTES === 0, `extension payload of ${ext.payload.length} bytes is not 8-byte aligned`);
    frame.writeUInt16BE(ext.type, at + PING_EXT.type.offset);
    frame.write(ext.payload, at + PING_EXT_HEADER_BYTES, 'latin1');
  }
  return at + length;
}

function writeU64(frame: Buffer, value: number, at: number): void {
  assert(Number.isSafeInteger(value) && value >= 0, `not a u64 in the safe range: ${value}`);
  frame.writeBigUInt64BE(BigInt(value), at);
}

function writeNodeId(frame: Buffer, nodeId: string, at: number): void {
  assert(nodeId.length === NODE_ID_BYTES, `node id must be ${NODE_ID_BYTES} characters: ${JSON.stringify(nodeId)}`);
  frame.write(nodeId, at, 'latin1');
}

function writeCString(frame: Buffer, text: string, at: number, size: number): void {
  assert(text.length < size && !text.includes('\0'), `string does not fit ${size} bytes with its NUL: ${JSON.stringify(text)}`);
  frame.write(text, at, 'latin1');
}

function writeSlotBitmap(frame: Buffer, bitmap: Uint8Array, at: number): void {
  assert(bitmap.length === SLOT_BITMAP_BYTES, `slot bitmap must be ${SLOT_BITMAP_BYTES} bytes`);
  frame.set(bitmap, at);
}
