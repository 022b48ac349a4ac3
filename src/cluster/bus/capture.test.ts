/**
 * The whole tcpdump capture of a Redis 7.0.15 cluster's bus (testdata/capture.pcap.gz): every
 * TCP direction is reassembled, fed to the FrameReader one segment at a time, and every frame
 * must decode and encode back to the same bytes. The frames found must be the ones listed in
 * testdata/frames-index.txt (2687 frames of every type but MODULE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeMessage, encodeMessage } from './codec.js';
import { FrameReader } from './frame-reader.js';

const TESTDATA = new URL('../../../../src/cluster/bus/testdata/', import.meta.url);
const SEGMENTS_MAX = 100_000;

interface Segment {
  readonly seq: number;
  readonly payload: Buffer;
}

interface Direction {
  readonly portPair: string;
  readonly initialSeq: number;
  readonly segments: Segment[];
}

/** TCP directions in the order their SYN (or SYN-ACK) was seen, with their data segments. */
function tcpDirections(pcap: Buffer): Direction[] {
  assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4, 'little-endian microsecond pcap');
  assert.equal(pcap.readUInt32LE(20), 1, 'Ethernet link type');
  const directions: Direction[] = [];
  const open = new Map<string, Direction>();
  let at = 24;
  for (let packets = 0; at < pcap.length; packets++) {
    assert.ok(packets < SEGMENTS_MAX);
    const capturedBytes = pcap.readUInt32LE(at + 8);
    const packet = pcap.subarray(at + 16, at + 16 + capturedBytes);
    at += 16 + capturedBytes;
    if (packet.readUInt16BE(12) !== 0x0800) continue;
    const ip = packet.subarray(14);
    if (ip[9] !== 6) continue;
    const ipHeaderBytes = (ip[0]! & 0x0f) * 4;
    const tcp = ip.subarray(ipHeaderBytes, ip.readUInt16BE(2));
    const portPair = `${tcp.readUInt16BE(0)}>${tcp.readUInt16BE(2)}`;
    const seq = tcp.readUInt32BE(4);
    const syn = (tcp[13]! & 0x02) !== 0;
    if (syn) {
      const direction = { portPair, initialSeq: seq, segments: [] };
      directions.push(direction);
      open.set(portPair, direction);
      continue;
    }
    const payload = tcp.subarray((tcp[12]! >> 4) * 4);
    const direction = open.get(portPair);
    if (payload.length > 0 && direction !== undefined) direction.segments.push({ seq, payload });
  }
  return directions;
}

/** Segments in stream order, retransmitted bytes dropped. */
function inOrder(direction: Direction): Buffer[] {
  const relative = (seq: number) => (seq - direction.initialSeq - 1) >>> 0;
  const sorted = [...direction.segments].sort((a, b) => relative(a.seq) - relative(b.seq));
  const chunks: Buffer[] = [];
  let next = 0;
  for (const segment of sorted) {
    const start = relative(segment.seq);
    assert.ok(start <= next, `gap in ${direction.portPair} at ${next}`);
    const fresh = segment.payload.subarray(next - start);
    if (fresh.length === 0) continue;
    chunks.push(fresh);
    next += fresh.length;
  }
  return chunks;
}

test('every frame of the capture is split, decoded and re-encoded byte for byte', () => {
  const pcap = gunzipSync(readFileSync(new URL('capture.pcap.gz', TESTDATA)));
  const found = new Map<string, string[]>();
  let frames = 0;
  for (const direction of tcpDirections(pcap)) {
    const reader = new FrameReader();
    let offset = 0;
    const list = found.get(direction.portPair) ?? [];
    found.set(direction.portPair, list);
    for (const chunk of inOrder(direction)) {
      reader.push(chunk);
      for (let i = 0; i < SEGMENTS_MAX; i++) {
        const result = reader.next();
        if (result.kind === 'need-more') break;
        assert.ok(result.kind === 'frame', result.kind === 'error' ? result.error.detail : '');
        const decoded = decodeMessage(result.frame);
        assert.ok(decoded.ok, decoded.ok ? '' : `${direction.portPair} @${offset}: ${decoded.error.detail}`);
        assert.ok(encodeMessage(decoded.message).equals(result.frame), `${direction.portPair} @${offset} round trip`);
        list.push(`${offset} ${result.frame.length} ${decoded.message.header.type}`);
        offset += result.frame.length;
        frames++;
      }
    }
  }

  const expected = new Map<string, string[]>();
  for (const line of readFileSync(new URL('frames-index.txt', TESTDATA), 'latin1').split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const [, , , , srcPort, dstPort, streamOffset, totlen, type] = line.split('\t');
    const list = expected.get(`${srcPort}>${dstPort}`) ?? [];
    expected.set(`${srcPort}>${dstPort}`, list);
    list.push(`${streamOffset} ${totlen} ${type!.split(' ')[0]}`);
  }
  assert.equal(frames, 2687);
  for (const [portPair, list] of expected) assert.deepEqual(found.get(portPair), list, portPair);
});
