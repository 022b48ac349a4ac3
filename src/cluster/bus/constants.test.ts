import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAIL_BODY_BYTES,
  GOSSIP,
  GOSSIP_ENTRY_BYTES,
  HEADER,
  HEADER_BYTES,
  MESSAGE_TYPE_COUNT,
  MESSAGE_TYPE_STAT_NAMES,
  MODULE_BODY,
  MODULE_BODY_FIXED_BYTES,
  MessageFlag,
  MessageType,
  NodeFlag,
  PING_EXT,
  PING_EXT_HEADER_BYTES,
  PUBLISH_BODY,
  PUBLISH_BODY_FIXED_BYTES,
  type FieldLayout,
  UPDATE_BODY,
  UPDATE_BODY_BYTES,
} from './constants.js';

function assertContiguous(fields: Record<string, FieldLayout>, totalBytes: number): void {
  let offset = 0;
  for (const [name, field] of Object.entries(fields)) {
    assert.equal(field.offset, offset, `${name} starts where the previous field ends`);
    offset += field.size;
  }
  assert.equal(offset, totalBytes);
}

test('clusterMsg header: every offset equals the static_assert of Redis 7.0 src/cluster.h', () => {
  const expected: [keyof typeof HEADER, number][] = [
    ['sig', 0],
    ['totlen', 4],
    ['ver', 8],
    ['port', 10],
    ['type', 12],
    ['count', 14],
    ['currentEpoch', 16],
    ['configEpoch', 24],
    ['offset', 32],
    ['sender', 40],
    ['myslots', 80],
    ['slaveof', 2128],
    ['myip', 2168],
    ['extensions', 2214],
    ['notused1', 2216],
    ['pport', 2246],
    ['cport', 2248],
    ['flags', 2250],
    ['state', 2252],
    ['mflags', 2253],
  ];
  assert.deepEqual(Object.keys(HEADER), expected.map(([name]) => name));
  for (const [name, offset] of expected) assert.equal(HEADER[name].offset, offset, name);
  // offsetof(clusterMsg, data) == 2256 == CLUSTERMSG_MIN_LEN
  assertContiguous(HEADER, HEADER_BYTES);
  assert.equal(HEADER_BYTES, 2256);
});

test('clusterMsgDataGossip is 104 bytes, fields in Redis order', () => {
  const expected = { nodename: 0, ping_sent: 40, pong_received: 44, ip: 48, port: 94, cport: 96, flags: 98, pport: 100, notused1: 102 };
  assert.deepEqual(Object.fromEntries(Object.entries(GOSSIP).map(([name, field]) => [name, field.offset])), expected);
  assertContiguous(GOSSIP, GOSSIP_ENTRY_BYTES);
  assert.equal(GOSSIP_ENTRY_BYTES, 104);
});

test('ping extension header and message bodies', () => {
  assertContiguous(PING_EXT, PING_EXT_HEADER_BYTES);
  assert.equal(PING_EXT_HEADER_BYTES, 8);
  assert.equal(FAIL_BODY_BYTES, 40);
  assertContiguous(PUBLISH_BODY, PUBLISH_BODY_FIXED_BYTES);
  // sizeof(clusterMsgDataUpdate) = 8 + 40 + 2048; it is also the largest union member, so
  // sizeof(clusterMsg) = 2256 + 2096 = 4352, the size of every UPDATE frame.
  assertContiguous(UPDATE_BODY, UPDATE_BODY_BYTES);
  assert.equal(HEADER_BYTES + UPDATE_BODY_BYTES, 4352);
  // sizeof(clusterMsgModule) = 16 with a 3-byte placeholder: the payload starts at 13.
  assertContiguous(MODULE_BODY, MODULE_BODY_FIXED_BYTES);
});

test('message types, node flags and message flags have Redis 7.0 values', () => {
  assert.deepEqual(Object.values(MessageType), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(MESSAGE_TYPE_COUNT, 11);
  assert.equal(MESSAGE_TYPE_STAT_NAMES.length, MESSAGE_TYPE_COUNT);
  assert.deepEqual(NodeFlag, {
    master: 1,
    slave: 2,
    pfail: 4,
    fail: 8,
    myself: 16,
    handshake: 32,
    noaddr: 64,
    meet: 128,
    migrateTo: 256,
    nofailover: 512,
  });
  assert.deepEqual(MessageFlag, { paused: 1, forceAck: 2, extData: 4 });
});
