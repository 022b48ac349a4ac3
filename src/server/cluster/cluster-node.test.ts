import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { step as realStep } from '../../cluster/state/step.js';
import type { ClusterEffect, ClusterInput, ClusterState, StepFunction } from '../../cluster/state/types.js';
import { Keyspace } from '../../keyspace/keyspace.js';
import { SeededRandom } from '../../lib/random.js';
import { systemClock } from '../../lib/system-clock.js';
import { ConfigStore } from '../config/config-store.js';
import { argsToConfigText, loadConfigText } from '../config/config-file.js';
import { Logger } from '../log.js';
import { ClusterNode } from './cluster-node.js';
import { NodesConfFile } from './nodes-conf-file.js';

interface Harness {
  node: ClusterNode;
  dir: string;
  inputs: ClusterInput[];
  delivered: string[];
  routingChanges: number;
  removed: string[];
  /** Deletions propagated (to the AOF), as "db key". */
  propagated: string[];
  keyspace: Keyspace;
  /** Effects the fake step returns for the next command input. */
  nextEffects: ClusterEffect[];
}

/**
 * A ClusterNode around the real step, except that command inputs return `nextEffects` (so the
 * test chooses what the I/O side must apply). Ticks are the real ones: they open no links here.
 */
async function harness(t: TestContext): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cluster-node-unit-'));
  const config = new ConfigStore();
  loadConfigText(config, argsToConfigText(['--port', '0', '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes']));
  const logger = new Logger();
  logger.level = 'warning';
  const keyspace = new Keyspace({ databaseCount: 16 });
  const h: Harness = { node: undefined as unknown as ClusterNode, dir, inputs: [], delivered: [], routingChanges: 0, removed: [], propagated: [], keyspace, nextEffects: [] };
  const step: StepFunction = (state: ClusterState, input, env) => {
    h.inputs.push(input);
    if (input.kind !== 'command') return realStep(state, input, env);
    const effects = h.nextEffects;
    h.nextEffects = [];
    return { state, effects, reply: { kind: 'ok' } };
  };
  h.node = new ClusterNode({
    step,
    host: {
      config,
      logger,
      clock: systemClock,
      random: new SeededRandom(7),
      keyspace,
      boundPort: 7000,
      deliverPublish: (channel, message, shard) => h.delivered.push(`${shard ? 'shard' : 'all'} ${channel} ${message}`),
      routingChanged: () => h.routingChanges++,
      keysRemoved: (dbIndex, keys) => h.removed.push(`${dbIndex} ${keys === null ? '*' : [...keys].sort().join(',')}`),
      propagateDeletion: (dbIndex, key) => h.propagated.push(`${dbIndex} ${key}`),
    },
  });
  await h.node.start();
  t.after(async () => {
    await h.node.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return h;
}

test('effects are applied after the turn, in order; nodes.conf is written once however many ask', async (t) => {
  const h = await harness(t);
  const saves: number[] = [];
  const original = NodesConfFile.prototype.save;
  NodesConfFile.prototype.save = function (this: NodesConfFile, conf) {
    saves.push(conf.nodes.length);
    original.call(this, conf);
  };
  t.after(() => (NodesConfFile.prototype.save = original));

  h.nextEffects = [
    { kind: 'saveConfig', fsync: false },
    { kind: 'deliverPublish', channel: 'news', message: 'one', shard: false },
    { kind: 'saveConfig', fsync: true },
  ];
  assert.deepEqual(h.node.command({ kind: 'bumpEpoch' }, {}), { kind: 'ok' });
  h.nextEffects = [{ kind: 'deliverPublish', channel: 'local', message: 'two', shard: true }];
  h.node.publish('local', 'two', true);
  // Nothing yet: effects wait for the end of the turn.
  assert.deepEqual(h.delivered, []);
  assert.deepEqual(saves, []);
  await nextTurn();
  assert.deepEqual(h.delivered, ['all news one', 'shard local two']);
  assert.deepEqual(saves, [1], 'one write for three requests');
  const publishInput = h.inputs.find((input) => input.kind === 'command' && input.command.kind === 'publish');
  assert.deepEqual(publishInput, { kind: 'command', command: { kind: 'publish', channel: 'local', message: 'two', shard: true } });
});

test('SAVECONFIG writes before it answers', async (t) => {
  const h = await harness(t);
  rmSync(join(h.dir, 'nodes.conf'));
  assert.deepEqual(h.node.command({ kind: 'saveConfig' }, {}), { kind: 'ok' });
  assert.match(readFileSync(join(h.dir, 'nodes.conf'), 'latin1'), / myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n$/);
});

test('dropSlotKeys deletes the keys of those slots only; closing an unknown link is a no-op', async (t) => {
  const h = await harness(t);
  const db = h.keyspace.db(0);
  // foo is in slot 12182, bar in 5061.
  db.set('foo', '1');
  db.set('{foo}2', '2');
  db.set('bar', '3');
  h.nextEffects = [
    { kind: 'dropSlotKeys', slots: [12182] },
    { kind: 'closeLink', linkId: 'out:99' },
    { kind: 'log', level: 'notice', text: 'effects applied' },
  ];
  h.node.command({ kind: 'flushSlots' }, {});
  await nextTurn();
  assert.deepEqual([...db.keys()].sort(), ['bar']);
  assert.deepEqual(h.removed, ['0 foo,{foo}2'], 'WATCH and blocked clients are told');
  assert.deepEqual(h.propagated.sort(), ['0 foo', '0 {foo}2'], 'each deletion is propagated');
});

test('the routing view answers from the current state', async (t) => {
  const h = await harness(t);
  const me = h.node.myselfId;
  assert.equal(h.node.ownerOf(0), null);
  assert.equal(h.node.stateOk, false);
  assert.equal(h.node.endpointOf(me), ':7000', 'myself has no IP before the first MEET');
  assert.equal(h.node.endpointOf('f'.repeat(40)), '?:0');
  assert.equal(h.node.myMasterId, null);
});
