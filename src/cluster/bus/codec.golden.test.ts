/**
 * Golden frames captured from real redis-server 7.0.15 nodes (testdata/<name>.bin, described in
 * testdata/README.md): each decodes to the values of its ground truth (<name>.txt) and encodes
 * back to the same bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeMessage, encodeMessage } from './codec.js';
import { ClusterState, GOSSIP, GOSSIP_ENTRY_BYTES, HEADER_BYTES, MessageType, NodeFlag, type MessageTypeName } from './constants.js';
import type { ClusterMessage } from './message.js';
import { formatNodeFlags } from '../node-flags.js';
import { formatSlotRanges } from '../nodes-conf.js';
import { countSlots, slotRanges } from '../slot-bitmap.js';

const TESTDATA = new URL('../../../../src/cluster/bus/testdata/', import.meta.url);

/** The fixture's type names (CLUSTERMSG_TYPE_<NAME>) to ours. */
const TYPE_NAMES = new Map<string, MessageTypeName>([
  ['PING', 'ping'],
  ['PONG', 'pong'],
  ['MEET', 'meet'],
  ['FAIL', 'fail'],
  ['PUBLISH', 'publish'],
  ['FAILOVER_AUTH_REQUEST', 'failoverAuthRequest'],
  ['FAILOVER_AUTH_ACK', 'failoverAuthAck'],
  ['UPDATE', 'update'],
  ['MFSTART', 'mfstart'],
  ['MODULE', 'module'],
  ['PUBLISHSHARD', 'publishShard'],
]);

interface IdInFrame {
  readonly offset: number;
  readonly nodeId: string;
  readonly address: string;
  /** The sender's CLUSTER NODES view of that node: one, or before and after. */
  readonly views: readonly string[];
}

interface Truth {
  /** `key: value` lines; a value `a -> b` (changed between snapshots) gives both. */
  readonly values: Map<string, string[]>;
  readonly idsInFrame: IdInFrame[];
  /** `note:` lines: the fixture's own remarks on values that moved between snapshots. */
  readonly notes: string[];
}

function readTruth(name: string): Truth {
  const values = new Map<string, string[]>();
  const idsInFrame: IdInFrame[] = [];
  const notes: string[] = [];
  for (const line of readFileSync(new URL(`${name}.txt`, TESTDATA), 'latin1').split('\n')) {
    const id = /^ {2}(\d+): ([0-9a-f]{40}) (\S+) \([^)]*\) (.*)$/.exec(line);
    if (id !== null) {
      const views = [...id[4]!.matchAll(/\[([^\]]*)\]/g)].map((match) => match[1]!);
      idsInFrame.push({ offset: Number(id[1]), nodeId: id[2]!, address: id[3]!, views });
      continue;
    }
    const pair = /^([A-Za-z_.]+): (.*)$/.exec(line);
    if (pair === null) continue;
    if (pair[1] === 'note') notes.push(pair[2]!);
    const value = pair[2]!.split(/ {3}\(/)[0]!;
    values.set(pair[1]!, value.includes(' -> ') ? value.split(' -> ').map((part) => part.trim()) : [value.trim()]);
  }
  return { values, idsInFrame, notes };
}

function one(truth: Truth, key: string): string {
  const value = truth.values.get(key);
  assert.ok(value !== undefined && value.length === 1, `${key} has one value`);
  return value[0]!;
}

function anyOf(truth: Truth, key: string): string[] {
  const value = truth.values.get(key);
  assert.ok(value !== undefined, `${key} is in the ground truth`);
  return value;
}

/** `master,fail? connected 127.0.0.1:7602@17602 configEpoch 3 slots 10923-16383` */
function parseView(view: string): { flags: string; address: string; configEpoch: number; slots: string } {
  const match = /^(\S+) (?:connected|disconnected) (\S+) configEpoch (\d+) slots (.*)$/.exec(view);
  assert.ok(match !== null, `view ${view}`);
  return { flags: match[1]!, address: match[2]!, configEpoch: Number(match[3]), slots: match[4]! };
}

/** The value lies between the before and after snapshots (numeric values only). */
function within(values: string[], value: number): boolean {
  const numbers = values.filter((text) => /^\d+$/.test(text)).map(Number);
  return numbers.length > 0 && Math.min(...numbers) <= value && value <= Math.max(...numbers);
}

function slotsText(bitmap: Uint8Array): string {
  return formatSlotRanges(slotRanges(bitmap)).join(' ') || '(none)';
}

const names = readdirSync(TESTDATA)
  .filter((file) => file.endsWith('.bin'))
  .map((file) => file.slice(0, -'.bin'.length))
  .sort();

test('the golden folder holds every frame kind the capture has', () => {
  assert.equal(names.length, 30);
});

for (const name of names) {
  test(`golden frame ${name}: decodes to its ground truth and encodes back byte for byte`, () => {
    const frame = readFileSync(new URL(`${name}.bin`, TESTDATA));
    const truth = readTruth(name);
    const decoded = decodeMessage(frame);
    assert.ok(decoded.ok, decoded.ok ? '' : `${decoded.error.code}: ${decoded.error.detail}`);
    const message: ClusterMessage = decoded.message;
    const { header, body } = message;

    // Fixed-offset reads of the capture ([raw] section).
    assert.equal(frame.length, Number(one(truth, 'totlen')));
    assert.equal(Number(one(truth, 'raw.totlen')), frame.length);
    assert.equal(one(truth, 'raw.sig'), 'RCmb');
    assert.equal(one(truth, 'raw.ver'), '1');
    assert.equal(header.type, Number(one(truth, 'raw.type')));
    const [typeNumber, typeName] = one(truth, 'type').split(' ');
    assert.equal(header.type, Number(typeNumber));
    assert.equal(MessageType[TYPE_NAMES.get(typeName!)!], header.type);
    assert.equal(header.port, Number(one(truth, 'raw.port')));
    assert.equal(body.kind === 'ping' ? body.gossip.length : 0, Number(one(truth, 'raw.count')));
    assert.equal(header.currentEpoch, Number(one(truth, 'raw.currentEpoch')));
    assert.equal(header.configEpoch, Number(one(truth, 'raw.configEpoch')));
    assert.equal(header.replicationOffset, Number(one(truth, 'raw.offset')));
    assert.equal(header.senderId, one(truth, 'raw.sender'));
    assert.equal(countSlots(header.slotBitmap), Number(one(truth, 'raw.myslots_set_bits')));
    assert.equal(header.masterId ?? '(all zero)', one(truth, 'raw.slaveof'));
    assert.equal(header.announcedIp === '' ? '(all zero)' : header.announcedIp, one(truth, 'raw.myip'));
    assert.equal(body.kind === 'ping' ? body.extensions.length : 0, Number(one(truth, 'raw.extensions')));
    assert.equal(header.pport, Number(one(truth, 'raw.pport')));
    assert.equal(header.cport, Number(one(truth, 'raw.cport')));
    assert.equal(header.nodeFlags, Number(one(truth, 'raw.flags')));
    assert.equal(header.clusterState, Number(one(truth, 'raw.state')));
    const mflags = one(truth, 'raw.mflags').split(' ').map(Number);
    assert.equal(header.messageFlags, mflags[0]! | (mflags[1]! << 8) | (mflags[2]! << 16));

    // The sender's own CLUSTER NODES line and CLUSTER INFO around the frame.
    assert.equal(header.senderId, one(truth, 'sender.id'));
    assert.ok(anyOf(truth, 'sender.port').includes(String(header.port)));
    assert.ok(anyOf(truth, 'sender.cport').includes(String(header.cport)));
    assert.ok(anyOf(truth, 'sender.flags').includes(formatNodeFlags(header.nodeFlags)), formatNodeFlags(header.nodeFlags));
    assert.ok(anyOf(truth, 'sender.master_id').includes(header.masterId ?? '-'));
    assert.ok(within(anyOf(truth, 'sender.currentEpoch'), header.currentEpoch), 'currentEpoch');
    const epochKey = (header.nodeFlags & NodeFlag.slave) !== 0 ? 'sender.master_configEpoch' : 'sender.configEpoch';
    if (!truth.notes.some((note) => note.startsWith('raw.configEpoch'))) {
      assert.ok(within(anyOf(truth, epochKey), header.configEpoch), 'configEpoch');
    }
    assert.ok(anyOf(truth, 'sender.cluster_state').includes(header.clusterState === ClusterState.ok ? 'ok' : 'fail'));
    if ((header.nodeFlags & NodeFlag.master) !== 0) {
      assert.ok(anyOf(truth, 'sender.slots').includes(slotsText(header.slotBitmap)), slotsText(header.slotBitmap));
    } else {
      // A replica sends its master's slots: compare with the sender's view of its master.
      const master = truth.idsInFrame.find((id) => id.offset === 2128);
      assert.ok(master !== undefined && master.nodeId === header.masterId);
      assert.ok(master.views.map((view) => parseView(view).slots).includes(slotsText(header.slotBitmap)));
    }

    switch (body.kind) {
      case 'ping': {
        const hostname = body.extensions.find((ext) => ext.kind === 'hostname');
        assert.ok(anyOf(truth, 'sender.hostname').includes(hostname?.hostname ?? '(none)'));
        if (hostname !== undefined) assert.equal(one(truth, 'hostname_extension').split(' ')[0], hostname.hostname);
        assert.equal(body.extensions.filter((ext) => ext.kind !== 'hostname').length, 0);
        const ids = one(truth, 'gossip_node_ids');
        assert.deepEqual(body.gossip.map((entry) => entry.nodeId), ids === '(none)' ? [] : ids.split(' '));
        body.gossip.forEach((entry, i) => {
          const found = truth.idsInFrame.find((id) => id.nodeId === entry.nodeId && id.offset >= HEADER_BYTES);
          assert.ok(found !== undefined);
          assert.equal(found.offset, HEADER_BYTES + i * GOSSIP_ENTRY_BYTES + GOSSIP.nodename.offset);
          const address = `${entry.ip}:${entry.port}@${entry.cport}`;
          assert.equal(found.address, `${entry.ip}:${entry.port}`);
          const views = found.views.map(parseView);
          assert.ok(views.some((view) => view.address === address));
          assert.ok(views.map((view) => view.flags).includes(formatNodeFlags(entry.nodeFlags)), formatNodeFlags(entry.nodeFlags));
          assert.equal(entry.pport, 0);
        });
        break;
      }
      case 'fail':
        assert.equal(one(truth, 'failed_node').split(' ')[0], body.failingNodeId);
        break;
      case 'publish':
        assert.equal(body.channel, one(truth, 'publish_channel').split(' ')[0]);
        assert.equal(body.message, one(truth, 'publish_message').split(' ')[0]);
        break;
      case 'update': {
        assert.match(one(truth, 'update_subject_node'), new RegExp(`is ${body.nodeId} `));
        const subject = truth.idsInFrame.find((id) => id.offset === HEADER_BYTES + 8);
        assert.ok(subject !== undefined && subject.nodeId === body.nodeId);
        const views = subject.views.map(parseView);
        assert.ok(views.some((view) => view.configEpoch === body.configEpoch && view.slots === slotsText(body.slotBitmap)));
        break;
      }
      case 'empty':
        assert.equal(frame.length, HEADER_BYTES);
        break;
      case 'module':
      case 'unknown':
        assert.fail(`no ${body.kind} frame was captured`);
    }

    assert.ok(encodeMessage(message).equals(frame), 'encode(decode(frame)) is the frame');
  });
}
