import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { NodeFlag } from './node-flags.js';
import {
  formatNodeLine,
  formatNodesConf,
  formatVarsLine,
  parseNodeLine,
  parseNodesConf,
  parseVarsLine,
  type NodeLine,
} from './nodes-conf.js';

const REPO_ROOT = new URL('../../../', import.meta.url);
const BUS_TESTDATA = new URL('src/cluster/bus/testdata/', REPO_ROOT);
const TESTDATA = new URL('src/cluster/testdata/', REPO_ROOT);

function parsed(line: string): NodeLine {
  const result = parseNodeLine(line);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.value;
}

test('every CLUSTER NODES line captured from redis-server 7.0.15 parses and formats back identically', () => {
  const files = readdirSync(BUS_TESTDATA).filter((file) => /^cluster-nodes-\d+-.*\.txt$/.test(file));
  assert.equal(files.length, 16);
  let lines = 0;
  const flagsSeen = new Set<string>();
  for (const file of files) {
    for (const line of readFileSync(new URL(file, BUS_TESTDATA), 'latin1').split('\n')) {
      if (!/^[0-9a-f]{40} /.test(line)) continue;
      assert.equal(formatNodeLine(parsed(line)), line, `${file}: ${line}`);
      flagsSeen.add(line.split(' ')[2]!);
      lines++;
    }
  }
  assert.equal(lines, 1028);
  assert.deepEqual([...flagsSeen].sort(), ['master', 'master,fail', 'master,fail?', 'myself,master', 'myself,slave', 'slave']);
});

test('fields of a captured line: hostname, replica, master with slots, a node that does not know its ip yet', () => {
  const master = parsed(
    '7ff62b10540c3f3f95cee6cf6c0830bce966c666 127.0.0.1:7600@17600,redis-node-a.example myself,master - 0 1795288006000 1 connected 0-5460',
  );
  assert.deepEqual(master, {
    nodeId: '7ff62b10540c3f3f95cee6cf6c0830bce966c666',
    ip: '127.0.0.1',
    port: 7600,
    cport: 17600,
    hostname: 'redis-node-a.example',
    nodeFlags: NodeFlag.myself | NodeFlag.master,
    masterId: null,
    pingSentAtMs: 0,
    pongReceivedAtMs: 1795288006000,
    configEpoch: 1,
    linkState: 'connected',
    slots: [{ start: 0, end: 5460 }],
    openSlots: [],
  });
  const replica = parsed(
    '0791b87e30304dcd7ecb6f2c4336fe61e6213513 127.0.0.1:7604@17604 slave 7ff62b10540c3f3f95cee6cf6c0830bce966c666 0 1795288006634 1 connected',
  );
  assert.equal(replica.masterId, '7ff62b10540c3f3f95cee6cf6c0830bce966c666');
  assert.equal(replica.nodeFlags, NodeFlag.slave);
  const fresh = parsed('7ff62b10540c3f3f95cee6cf6c0830bce966c666 :7600@17600 myself,master - 0 0 0 connected');
  assert.equal(fresh.ip, '');
});

test('nodes.conf written by redis-server 7.0.15 (migrating/importing slots, single slots, vars) round-trips', () => {
  for (const file of ['nodes-open-slots.conf', 'nodes-hostname.conf']) {
    const text = readFileSync(new URL(file, TESTDATA), 'latin1');
    const conf = parseNodesConf(text);
    assert.ok(conf.ok, conf.ok ? '' : conf.error);
    assert.equal(formatNodesConf(conf.value), text, file);
    assert.deepEqual(conf.value.vars, { currentEpoch: 1, lastVoteEpoch: 0 });
  }
  const conf = parseNodesConf(readFileSync(new URL('nodes-open-slots.conf', TESTDATA), 'latin1'));
  assert.ok(conf.ok);
  const myself = conf.value.nodes.find((node) => (node.nodeFlags & NodeFlag.myself) !== 0)!;
  assert.deepEqual(myself.slots, [
    { start: 0, end: 2 },
    { start: 5, end: 5 },
    { start: 100, end: 100 },
    { start: 200, end: 300 },
    { start: 16383, end: 16383 },
  ]);
  const peer = 'f724b1c90ca1e7f6cc6d2fe5a5900678fd6ee6cf';
  assert.deepEqual(myself.openSlots, [
    { slot: 5, direction: 'migrating', nodeId: peer },
    { slot: 100, direction: 'migrating', nodeId: peer },
    { slot: 7000, direction: 'importing', nodeId: peer },
  ]);
});

test('CLUSTER NODES with a node in handshake (after CLUSTER MEET of a port nobody listens on)', () => {
  const text = readFileSync(new URL('cluster-nodes-handshake.txt', TESTDATA), 'latin1');
  for (const line of text.split('\n').filter((l) => l !== '')) assert.equal(formatNodeLine(parsed(line)), line);
  const handshake = parsed(text.split('\n').find((line) => line.includes('handshake'))!);
  assert.equal(handshake.nodeFlags, NodeFlag.handshake);
  assert.equal(handshake.linkState, 'disconnected');
});

test('what the nodes.conf loader accepts beyond the canonical form', () => {
  const old = parsed('7ff62b10540c3f3f95cee6cf6c0830bce966c666 127.0.0.1:7600 MASTER,Fail? - 0 0 3 connected 10 11-12');
  assert.equal(old.cport, 17600);
  assert.equal(old.nodeFlags, NodeFlag.master | NodeFlag.pfail);
  assert.equal(
    formatNodeLine(old),
    '7ff62b10540c3f3f95cee6cf6c0830bce966c666 127.0.0.1:7600@17600 master,fail? - 0 0 3 connected 10 11-12',
  );
  const ipv6 = parsed('7ff62b10540c3f3f95cee6cf6c0830bce966c666 ::1:7000@17000 noflags - 0 0 0 disconnected');
  assert.equal(ipv6.ip, '::1');
  assert.equal(ipv6.nodeFlags, 0);
  assert.equal(formatNodeLine(ipv6), '7ff62b10540c3f3f95cee6cf6c0830bce966c666 ::1:7000@17000 noflags - 0 0 0 disconnected');
});

test('corrupt lines are refused with a reason', () => {
  const id = '7ff62b10540c3f3f95cee6cf6c0830bce966c666';
  const bad = [
    `${id} 127.0.0.1:7600@17600 master - 0 0 1`,
    `${id.slice(1)}x 127.0.0.1:7600@17600 master - 0 0 1 connected`,
    `${id} 127.0.0.1 master - 0 0 1 connected`,
    `${id} 127.0.0.1:port@17600 master - 0 0 1 connected`,
    `${id} 127.0.0.1:7600@17600 master,leader - 0 0 1 connected`,
    `${id} 127.0.0.1:7600@17600 slave nobody 0 0 1 connected`,
    `${id} 127.0.0.1:7600@17600 master - 0 0 -1 connected`,
    `${id} 127.0.0.1:7600@17600 master - 0 0 1 linked`,
    `${id} 127.0.0.1:7600@17600 master - 0 0 1 connected 16384`,
    `${id} 127.0.0.1:7600@17600 master - 0 0 1 connected 0-16384`,
    `${id} 127.0.0.1:7600@17600 master - 0 0 1 connected [16384->-${id}]`,
    `${id} 127.0.0.1:7600@17600 master - 0 0 1 connected [5->${id}]`,
  ];
  for (const line of bad) assert.equal(parseNodeLine(line).ok, false, line);
  const conf = parseNodesConf(`${id} 127.0.0.1:7600@17600 myself,master - 0 0 1 connected\nvars currentEpoch\n`);
  assert.ok(!conf.ok && conf.error.startsWith('line 2:'));
});

test('the vars line: format, and the loader rules (any case, unknown names skipped, odd field count)', () => {
  assert.equal(formatVarsLine({ currentEpoch: 9, lastVoteEpoch: 8 }), 'vars currentEpoch 9 lastVoteEpoch 8');
  assert.deepEqual(parseVarsLine('vars currentEpoch 9 lastVoteEpoch 8'), { ok: true, value: { currentEpoch: 9, lastVoteEpoch: 8 } });
  assert.deepEqual(parseVarsLine('VARS lastvoteepoch 4 future 1'), { ok: true, value: { currentEpoch: 0, lastVoteEpoch: 4 } });
  assert.equal(parseVarsLine('vars currentEpoch').ok, false);
  assert.equal(parseVarsLine('vars currentEpoch x').ok, false);
});
