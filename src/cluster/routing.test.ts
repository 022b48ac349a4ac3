import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCommands } from '../commands/all-commands.js';
import { CommandTable } from '../commands/table.js';
import generated from '../commands/generated/redis-commands.json' with { type: 'json' };
import { parseCommandSpec, type CommandSpec } from '../commands/spec.js';
import type { SpecTree } from '../commands/spec-tree.js';
import { keyHashSlot } from '../lib/hash-slot.js';
import { preferredEndpoint, redirectBlocked, routeCommand, routeTransaction, RoutingErrors, type RoutingClient } from './routing.js';
import { routingKeys } from './routing-keys.js';
import { StaticRoutingView, threeMasterView } from './static-routing-view.js';

const table = new CommandTable(allCommands);
const generatedCommands = (generated as unknown as { commands: Record<string, { info: SpecTree; docs: SpecTree }> }).commands;
/** The spec of a command, from the table or (commands not served yet: SORT, FCALL) Redis's. */
function specOf(argv: readonly string[]): CommandSpec {
  let command = table.lookup(argv[0] as string);
  if (command === undefined) {
    const entry = generatedCommands[(argv[0] as string).toLowerCase()];
    assert.ok(entry, `command ${argv[0]}`);
    return parseCommandSpec(entry.info, entry.docs);
  }
  if (command.subcommands !== undefined) command = command.subcommands.get((argv[1] as string).toLowerCase());
  assert.ok(command);
  return command.spec;
}

const ME = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const THIRD = 'c'.repeat(40);
// The layout of a 3-master redis-cli --cluster create: 0-5460, 5461-10922, 10923-16383.
function layout(): StaticRoutingView {
  return threeMasterView([ME, OTHER, THIRD]);
}
const plain: RoutingClient = { clusterAsking: false, clusterReadonly: false };
const asking: RoutingClient = { clusterAsking: true, clusterReadonly: false };
const readonly: RoutingClient = { clusterAsking: false, clusterReadonly: true };
const none = (): boolean => false;

function route(view: StaticRoutingView, line: string, client = plain, exists: (key: string) => boolean = none): string | null {
  const argv = line.split(' ');
  return routeCommand(view, specOf(argv), argv, client, exists);
}

// bar: 5061 (here), foo: 12182 (THIRD), hello: 866 (here), {bar}x shares bar's slot.
test('the test keys hash where the layout expects', () => {
  assert.equal(keyHashSlot('bar'), 5061);
  assert.equal(keyHashSlot('foo'), 12182);
  assert.equal(keyHashSlot('{bar}x'), 5061);
});

test('a key of a slot served here is served; elsewhere MOVED names the owner', () => {
  const view = layout();
  assert.equal(route(view, 'GET bar'), null);
  assert.equal(route(view, 'SET bar 1'), null);
  assert.equal(route(view, 'GET foo'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'BLPOP foo 0'), 'MOVED 12182 127.0.0.1:7002');
});

test('commands without keys are served whatever the cluster state', () => {
  const view = layout();
  view.stateOk = false;
  assert.equal(route(view, 'PING'), null);
  assert.equal(route(view, 'DBSIZE'), null);
  assert.equal(route(view, 'PUBLISH foo m'), null);
});

test('keys in several slots: CROSSSLOT, however many keys hash together', () => {
  const view = layout();
  assert.equal(route(view, 'MSET bar 1 foo 2'), RoutingErrors.crossSlot);
  assert.equal(route(view, 'MSET bar 1 {bar}y 2'), null);
  assert.equal(route(view, 'MGET bar {bar}y bar'), null);
  assert.equal(route(view, 'RENAME bar hello'), RoutingErrors.crossSlot);
  // CROSSSLOT is found before the owner of the first key matters.
  assert.equal(route(view, 'MGET foo bar'), RoutingErrors.crossSlot);
});

test('an unassigned slot: CLUSTERDOWN Hash slot not served', () => {
  const view = layout().assign(5061, 5061, null);
  assert.equal(route(view, 'GET bar'), RoutingErrors.notServed);
  assert.equal(RoutingErrors.notServed, 'CLUSTERDOWN Hash slot not served');
});

test('cluster down: keyed commands fail; with cluster-allow-reads-when-down only writes do', () => {
  const view = layout();
  view.stateOk = false;
  assert.equal(route(view, 'GET bar'), 'CLUSTERDOWN The cluster is down');
  view.allowReadsWhenDown = true;
  assert.equal(route(view, 'GET bar'), null);
  assert.equal(route(view, 'GET foo'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'SET bar 1'), 'CLUSTERDOWN The cluster is down and only accepts read commands');
});

test('a migrating slot serves keys it still has, ASKs for missing ones, TRYAGAIN for a split', () => {
  const view = layout().setMigrating(5061, OTHER);
  const has = (key: string): boolean => key === 'bar';
  assert.equal(route(view, 'GET bar', plain, has), null);
  assert.equal(route(view, 'GET {bar}nope', plain, has), 'ASK 5061 127.0.0.1:7001');
  assert.equal(route(view, 'SET {bar}nope 1', plain, has), 'ASK 5061 127.0.0.1:7001');
  assert.equal(route(view, 'MGET {bar}n1 {bar}n2', plain, has), 'ASK 5061 127.0.0.1:7001');
  assert.equal(route(view, 'MGET bar {bar}nope', plain, has), RoutingErrors.tryAgain);
  assert.equal(route(view, 'MGET bar bar', plain, has), null);
  // MIGRATE works on the local keys of an open slot.
  assert.equal(route(view, 'MIGRATE 127.0.0.1 1 {bar}nope 0 10', plain, has), null);
  // Shard channels are served by the source until the slot moves.
  assert.equal(route(view, 'SPUBLISH bar m', plain, has), null);
  // Other slots are unaffected.
  assert.equal(route(view, 'GET hello', plain, has), null);
});

test('an importing slot answers MOVED unless ASKING (or an asking-flagged command) precedes', () => {
  const view = new StaticRoutingView(OTHER).addNode(ME, '127.0.0.1:7000').assign(0, 16383, ME).setImporting(5061, ME);
  const has = (key: string): boolean => key === '{bar}a';
  assert.equal(route(view, 'GET bar', plain, has), 'MOVED 5061 127.0.0.1:7000');
  assert.equal(route(view, 'GET bar', asking, has), null);
  assert.equal(route(view, 'MGET {bar}a {bar}b', asking, has), RoutingErrors.tryAgain);
  assert.equal(route(view, 'MGET {bar}a {bar}a', asking, has), null);
  assert.equal(route(view, 'MGET {bar}a {bar}c', asking, () => true), null);
  assert.equal(route(view, 'RESTORE-ASKING bar 0 x', plain, has), null);
  assert.equal(route(view, 'SPUBLISH bar m', plain, has), 'MOVED 5061 127.0.0.1:7000');
  // ASKING concerns importing slots only.
  assert.equal(route(view, 'GET hello', asking, has), 'MOVED 866 127.0.0.1:7000');
});

test('a replica serves reads of its master slots after READONLY, never writes', () => {
  const view = layout();
  view.myselfId = 'd'.repeat(40);
  view.myMasterId = ME;
  assert.equal(route(view, 'GET bar'), 'MOVED 5061 127.0.0.1:7000');
  assert.equal(route(view, 'GET bar', readonly), null);
  assert.equal(route(view, 'SET bar 1', readonly), 'MOVED 5061 127.0.0.1:7000');
  assert.equal(route(view, 'GET foo', readonly), 'MOVED 12182 127.0.0.1:7002');
  // Shard pub/sub reads are served by replicas without READONLY.
  assert.equal(route(view, 'SSUBSCRIBE bar {bar}x'), null);
  assert.equal(route(view, 'SPUBLISH bar m'), null);
});

test('shard channels route by slot: several slots are CROSSSLOT, down follows allow-pubsubshard-when-down', () => {
  const view = layout();
  assert.equal(route(view, 'SSUBSCRIBE bar foo'), RoutingErrors.crossSlot);
  assert.equal(route(view, 'SPUBLISH foo m'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'SUNSUBSCRIBE foo'), 'MOVED 12182 127.0.0.1:7002');
  view.stateOk = false;
  assert.equal(route(view, 'SPUBLISH bar m'), null);
  view.allowPubsubshardWhenDown = false;
  assert.equal(route(view, 'SPUBLISH bar m'), RoutingErrors.down);
});

test('numkeys commands, EVAL, FCALL, XREAD STREAMS, SORT STORE and GEORADIUS STORE route every key', () => {
  const view = layout();
  assert.equal(route(view, 'EVAL x 1 foo'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'EVAL x 2 bar foo'), RoutingErrors.crossSlot);
  assert.equal(route(view, 'EVAL x 0 foo'), null);
  // A bad numkeys gives no keys: the command itself reports the error.
  assert.equal(route(view, 'EVAL x nope foo'), null);
  assert.equal(route(view, 'EVALSHA x 1 foo'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'FCALL f 2 bar {bar}y'), null);
  assert.equal(route(view, 'FCALL_RO f 1 foo'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'ZUNIONSTORE bar 1 foo'), RoutingErrors.crossSlot);
  assert.equal(route(view, 'ZUNIONSTORE bar 0 foo'), null);
  assert.equal(route(view, 'LMPOP 2 bar foo LEFT'), RoutingErrors.crossSlot);
  assert.equal(route(view, 'BLMPOP 0 1 foo LEFT'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'XREAD STREAMS foo 0'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'XREAD COUNT 2 STREAMS bar foo 0 0'), RoutingErrors.crossSlot);
  assert.equal(route(view, 'XREADGROUP GROUP g c STREAMS foo >'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'SORT bar STORE foo'), RoutingErrors.crossSlot);
  assert.equal(route(view, 'SORT bar BY foo'), null);
  assert.equal(route(view, 'GEORADIUS bar 0 0 1 km STORE foo'), RoutingErrors.crossSlot);
  assert.equal(route(view, 'OBJECT ENCODING foo'), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(route(view, 'MEMORY USAGE foo'), 'MOVED 12182 127.0.0.1:7002');
});

test('EXEC routes all queued commands together; EXEC flags decide the down case', () => {
  const view = layout();
  const exec = specOf(['EXEC']);
  const queued = (...lines: string[]) => lines.map((line) => ({ command: { spec: specOf(line.split(' ')) }, argv: line.split(' ') }));
  assert.equal(routeTransaction(view, exec, queued('SET bar 1', 'GET {bar}x'), plain, none), null);
  assert.equal(routeTransaction(view, exec, queued('SET bar 1', 'GET hello'), plain, none), RoutingErrors.crossSlot);
  assert.equal(routeTransaction(view, exec, queued('PING', 'GET foo'), plain, none), 'MOVED 12182 127.0.0.1:7002');
  assert.equal(routeTransaction(view, exec, queued('PING'), plain, none), null);
  view.myselfId = 'd'.repeat(40);
  view.myMasterId = ME;
  assert.equal(routeTransaction(view, exec, queued('GET bar', 'GET {bar}x'), readonly, none), null);
  assert.equal(routeTransaction(view, exec, queued('GET bar', 'DEL {bar}x'), readonly, none), 'MOVED 5061 127.0.0.1:7000');
});

test('a blocked client is redirected when its slot moves away or the cluster goes down', () => {
  const view = layout();
  assert.equal(redirectBlocked(view, 'bar', plain, true), null);
  view.assign(5061, 5061, OTHER);
  assert.equal(redirectBlocked(view, 'bar', plain, true), 'MOVED 5061 127.0.0.1:7001');
  view.setImporting(5061, OTHER);
  assert.equal(redirectBlocked(view, 'bar', plain, true), null);
  view.setImporting(5061, null).assign(5061, 5061, null);
  assert.equal(redirectBlocked(view, 'bar', plain, true), RoutingErrors.notServed);
  view.stateOk = false;
  assert.equal(redirectBlocked(view, 'hello', plain, true), RoutingErrors.down);
});

test('routingKeys follows getKeysFromCommand: legacy ranges and Redis 7.0 getkeys procs', () => {
  const keys = (line: string): string[] => {
    const argv = line.split(' ');
    const out: string[] = [];
    routingKeys(specOf(argv), argv, (key) => (out.push(key), true));
    return out;
  };
  assert.deepEqual(keys('MSET a 1 b 2'), ['a', 'b']);
  assert.deepEqual(keys('BLPOP a b 0'), ['a', 'b']);
  assert.deepEqual(keys('LCS a b'), ['a', 'b']);
  assert.deepEqual(keys('ZINTERSTORE d 2 a b WEIGHTS 1 2'), ['a', 'b', 'd']);
  assert.deepEqual(keys('ZINTERSTORE d 3 a b'), []);
  assert.deepEqual(keys('SORT s LIMIT 0 1 STORE x STORE y'), ['s', 'y']);
  assert.deepEqual(keys('MIGRATE h 1 "" 0 10 COPY AUTH2 u p KEYS a b'.replace('""', '')), ['a', 'b']);
  assert.deepEqual(keys('XREAD BLOCK 0 STREAMS a b 0 0'), ['a', 'b']);
  assert.deepEqual(keys('XREAD STREAMS a b 0'), []);
  assert.deepEqual(keys('SPUBLISH ch m'), ['ch']);
  assert.deepEqual(keys('SSUBSCRIBE a b'), ['a', 'b']);
  assert.deepEqual(keys('EVAL s 2 a b c'), ['a', 'b']);
  assert.deepEqual(keys('EVAL s 3 a b'), []);
  assert.deepEqual(keys('GEORADIUSBYMEMBER g m 1 km STOREDIST d'), ['g', 'd']);
  assert.deepEqual(keys('PING'), []);
});

test('preferredEndpoint prints what getPreferredEndpoint gives, then the port', () => {
  assert.equal(preferredEndpoint('ip', '10.0.0.1', 'h.example', 7000), '10.0.0.1:7000');
  assert.equal(preferredEndpoint('hostname', '10.0.0.1', 'h.example', 7000), 'h.example:7000');
  assert.equal(preferredEndpoint('hostname', '10.0.0.1', '', 7000), '?:7000');
  assert.equal(preferredEndpoint('unknown-endpoint', '10.0.0.1', 'h.example', 7000), ':7000');
});
