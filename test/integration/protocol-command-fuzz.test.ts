import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/lib/random.js';
import generated from '../../src/commands/generated/redis-commands.json' with { type: 'json' };
import { encodeCommand, type Reply } from '../../src/resp/reply-parser.js';
import { RawClient } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

/**
 * Every command the node implements, called with random arguments (its own option tokens, a few
 * keys, edge-case numbers, random bytes) in pipelines: each command must get exactly one
 * well-formed reply, the node must not throw (an uncaught exception ends this process) and must
 * keep answering a healthy client. FUZZ_SEED=n reproduces a run.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 9_001);
const ROUNDS = 20;
const COMMANDS_PER_ROUND = 250;
const BUDGET_MS = 10_000;
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * Left out: commands that block, end or re-purpose the connection (no longer one reply per
 * command), touch files or other servers, or stop the node. Flags come from Redis's specs.
 */
const DENIED_FLAGS = ['blocking', 'admin', 'pubsub'];
const DENIED_COMMANDS = new Set(['quit', 'client', 'monitor', 'lolwut', 'migrate', 'pfselftest', 'pfdebug', 'wait', 'shutdown', 'debug', 'config', 'sync', 'psync', 'replconf']);

const KEYS = ['fz:a', 'fz:b', '{fz}c', 'fz:\x00'];
/** Edge numbers, but none that makes a valid huge allocation (SETRANGE/SETBIT offsets). */
const NUMBERS = ['0', '1', '-1', '2', '10', '100', '-100', '4294967296', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '1.5', '-0', 'inf', '-inf', 'nan', '', '0x10', '1e3'];

const docs = (generated as unknown as { commands: Record<string, { docs: unknown }> }).commands;

/** Option tokens (NX, EX, WITHSCORES...) from the command's Redis docs. */
function tokensOf(name: string): string[] {
  const container = name.split('|')[0] as string;
  const text = JSON.stringify(docs[container]?.docs ?? null);
  return [...new Set([...text.matchAll(/\["token","([^"]+)"\]/g)].map((match) => match[1] as string))];
}

interface Target {
  /** The words that name it: ['get'] or ['object', 'encoding']. */
  words: string[];
  tokens: string[];
}

function randomArg(random: SeededRandom, target: Target): string {
  const kind = random.int(10);
  if (kind < 3) return KEYS[random.int(KEYS.length)] as string;
  if (kind < 6 && target.tokens.length > 0) {
    const token = target.tokens[random.int(target.tokens.length)] as string;
    return random.int(2) === 0 ? token : token.toLowerCase();
  }
  if (kind < 9) return NUMBERS[random.int(NUMBERS.length)] as string;
  const length = random.int(12);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(random.int(256));
  return text;
}

function randomCommand(random: SeededRandom, targets: readonly Target[]): string[] {
  const target = targets[random.int(targets.length)] as Target;
  const argv = target.words.map((word) => (random.int(2) === 0 ? word.toUpperCase() : word));
  const extra = random.int(7);
  for (let i = 0; i < extra; i++) argv.push(randomArg(random, target));
  return argv;
}

function show(argv: readonly string[]): string {
  return argv.map((arg) => JSON.stringify(arg)).join(' ');
}

test(`command fuzz: every implemented command with random arguments gets one reply and the node goes on (FUZZ_SEED=${SEED})`, { timeout: 20_000 }, async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const targets: Target[] = [];
  for (const command of node.server.commands.all()) {
    const name = command.spec.fullName;
    if (DENIED_COMMANDS.has(name) || DENIED_FLAGS.some((flag) => command.spec.flags.has(flag))) continue;
    if (command.subcommands === undefined) {
      targets.push({ words: [name], tokens: tokensOf(name) });
      continue;
    }
    targets.push({ words: [name], tokens: [] }); // the container alone: arity / unknown subcommand
    for (const sub of command.subcommands.values()) {
      if (DENIED_FLAGS.some((flag) => sub.spec.flags.has(flag))) continue;
      targets.push({ words: sub.spec.fullName.split('|'), tokens: tokensOf(sub.spec.fullName) });
    }
  }
  t.diagnostic(`${targets.length} commands: ${targets.map((target) => target.words.join(' ')).join(', ')}`);

  const random = new SeededRandom(SEED);
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const healthy = await RawClient.connect(node.port);
  t.after(() => healthy.close());
  const startedMs = performance.now();
  let sent = 0;
  for (let round = 0; round < ROUNDS && performance.now() - startedMs < BUDGET_MS; round++) {
    const batch = Array.from({ length: COMMANDS_PER_ROUND }, () => randomCommand(random, targets));
    client.writeRaw(Buffer.concat(batch.map((argv) => encodeCommand(argv))));
    const replies: Reply[] = [];
    for (let i = 0; i < batch.length; i++) {
      try {
        replies.push(await client.read(HEALTH_TIMEOUT_MS));
      } catch (error) {
        assert.fail(`seed ${SEED} round ${round}: no reply to command ${i} ${show(batch[i] as string[])} (${String(error)}); before it:\n${batch.slice(Math.max(0, i - 5), i).map(show).join('\n')}`);
      }
    }
    sent += batch.length;
    // Whatever the fuzzed connection did (SELECT, HELLO 3, MULTI...), a healthy client is served.
    assert.deepEqual(await healthy.call('PING'), { type: 'simple', value: 'PONG' }, `round ${round}`);
    assert.deepEqual(await healthy.call('ECHO', `r${round}`), { type: 'bulk', value: `r${round}` });
  }
  t.diagnostic(`${sent} random commands in ${Math.round(performance.now() - startedMs)} ms`);
});
