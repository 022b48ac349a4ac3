import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SeededRandom } from '../../src/lib/random.js';
import { ReplyParser, encodeCommand, type Reply } from '../../src/resp/reply-parser.js';
import { RawClient } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

/**
 * Fuzzes the RESP front end of one node with random, truncated, oversized and garbage frames
 * over many connections. After every batch a healthy client must still get answers quickly.
 * FUZZ_SEED=n reproduces a run.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 1_337);
const BATCHES = 12;
const CONNECTIONS_PER_BATCH = 12;
/** The whole fuzz run stops starting batches after this. */
const BUDGET_MS = 12_000;
/** A healthy client's PING and SET/GET must complete within this. */
const HEALTH_TIMEOUT_MS = 2_000;
/**
 * A frame that may get any answer is watched until the server has been quiet this long after
 * the last write; frames with a known answer are watched until it is complete (or closed).
 */
const QUIET_MS = 150;
const WATCH_MAX_MS = 5_000;
const INLINE_MAX_BYTES = 64 * 1024;

/** What a fuzz frame must produce. */
type Expectation =
  /** Anything valid: well-formed replies; a protocol error closes the connection. */
  | { kind: 'any' }
  /** A protocol error reply with this text, then the server closes. */
  | { kind: 'protocol-error'; message: string }
  /** Exactly these replies (valid commands, however the bytes were split). */
  | { kind: 'replies'; replies: Reply[] };

interface Frame {
  name: string;
  /** Written one after another, each write flushed before the next. */
  chunks: Buffer[];
  expect: Expectation;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

function randomBytes(random: SeededRandom, length: number, alphabet?: string): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = alphabet === undefined ? random.int(256) : alphabet.charCodeAt(random.int(alphabet.length));
  return bytes;
}

/** Splits bytes at random places into 1..maxChunks pieces. */
function randomSplit(random: SeededRandom, bytes: Buffer, maxChunks: number): Buffer[] {
  const cuts = new Set<number>();
  const count = random.int(maxChunks);
  for (let i = 0; i < count && bytes.length > 1; i++) cuts.add(1 + random.int(bytes.length - 1));
  const sorted = [...cuts].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of sorted) {
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** Valid commands with known replies, for pipelines. */
function validCommands(random: SeededRandom, count: number, tag: string): { bytes: Buffer; replies: Reply[] } {
  const parts: Buffer[] = [];
  const replies: Reply[] = [];
  for (let i = 0; i < count; i++) {
    const pickCommand = random.int(4);
    if (pickCommand === 0) {
      parts.push(encodeCommand(['PING']));
      replies.push({ type: 'simple', value: 'PONG' });
    } else if (pickCommand === 1) {
      const payload = randomBytes(random, random.int(40)).toString('latin1');
      parts.push(encodeCommand(['ECHO', payload]));
      replies.push({ type: 'bulk', value: payload });
    } else if (pickCommand === 2) {
      parts.push(latin1(`PING ${tag}-${i}\r\n`)); // inline
      replies.push({ type: 'bulk', value: `${tag}-${i}` });
    } else {
      const value = randomBytes(random, random.int(20)).toString('latin1');
      parts.push(encodeCommand(['SET', `fuzz:${tag}`, value]), encodeCommand(['GET', `fuzz:${tag}`]));
      replies.push({ type: 'simple', value: 'OK' }, { type: 'bulk', value });
    }
  }
  return { bytes: Buffer.concat(parts), replies };
}

const bigNumber = (random: SeededRandom, digits: number) => `${1 + random.int(9)}${randomBytes(random, digits - 1, '0123456789').toString('latin1')}`;

/** The frame kinds; each builds one connection's worth of bytes from the seed. */
const FRAME_KINDS: ReadonlyArray<(random: SeededRandom, tag: string) => Frame> = [
  (random) => ({ name: 'random bytes', chunks: [randomBytes(random, 1 + random.int(300))], expect: { kind: 'any' } }),
  (random) => ({
    name: 'random bytes after a star',
    chunks: [Buffer.concat([latin1('*'), randomBytes(random, 1 + random.int(40)), latin1('\r\n')])],
    expect: { kind: 'any' },
  }),
  (random) => ({
    name: 'printable garbage with quotes',
    chunks: [Buffer.concat([randomBytes(random, 1 + random.int(80), ' abc"\'\\x01239$*\t'), latin1('\r\n')])],
    expect: { kind: 'any' },
  }),
  (random) => ({
    name: 'huge multibulk count',
    chunks: [latin1(`*${bigNumber(random, 11 + random.int(9))}\r\n`)],
    expect: { kind: 'protocol-error', message: 'ERR Protocol error: invalid multibulk length' },
  }),
  (random) => ({
    name: 'huge bulk length',
    chunks: [latin1(`*2\r\n$3\r\nGET\r\n$${bigNumber(random, 10 + random.int(10))}\r\n`)],
    expect: { kind: 'protocol-error', message: 'ERR Protocol error: invalid bulk length' },
  }),
  (random) => ({
    name: 'negative bulk length',
    chunks: [latin1(`*1\r\n$-${1 + random.int(100000)}\r\n`)],
    expect: { kind: 'protocol-error', message: 'ERR Protocol error: invalid bulk length' },
  }),
  (random) => ({
    name: 'not a bulk where one is due',
    chunks: [latin1(`*2\r\n$4\r\nECHO\r\n${'+:-!#'[random.int(5)]}x\r\n`)],
    expect: { kind: 'protocol-error', message: "ERR Protocol error: expected '$', got" },
  }),
  (random) => ({
    name: 'oversized inline request',
    chunks: randomSplit(random, randomBytes(random, INLINE_MAX_BYTES + 1 + random.int(4096), 'abcdefgh '), 8),
    expect: { kind: 'protocol-error', message: 'ERR Protocol error: too big inline request' },
  }),
  (random) => ({
    name: 'oversized bulk count string',
    chunks: [Buffer.concat([latin1('*1\r\n$'), randomBytes(random, INLINE_MAX_BYTES + 1 + random.int(100), '0123456789')])],
    expect: { kind: 'protocol-error', message: 'ERR Protocol error: too big bulk count string' },
  }),
  (random, tag) => {
    const { bytes } = validCommands(random, 1 + random.int(5), tag);
    return { name: 'truncated valid frames', chunks: [bytes.subarray(0, random.int(bytes.length))], expect: { kind: 'any' } };
  },
  (random, tag) => {
    const { bytes, replies } = validCommands(random, 200 + random.int(2000), tag);
    return { name: 'deep pipeline in one write', chunks: [bytes], expect: { kind: 'replies', replies } };
  },
  (random, tag) => {
    const { bytes, replies } = validCommands(random, 1 + random.int(30), tag);
    return { name: 'valid frames split at random bytes', chunks: randomSplit(random, bytes, 40), expect: { kind: 'replies', replies } };
  },
  (random, tag) => {
    const { bytes, replies } = validCommands(random, 1 + random.int(10), tag);
    const garbage = latin1(`*1\r\n$-${1 + random.int(9)}\r\n`);
    return {
      name: 'valid frames then a bad one',
      chunks: randomSplit(random, Buffer.concat([bytes, garbage, encodeCommand(['PING'])]), 6),
      expect: { kind: 'replies', replies: [...replies, { type: 'error', value: 'ERR Protocol error: invalid bulk length' }] },
    };
  },
];

interface Observed {
  replies: Reply[];
  closedByServer: boolean;
  /** Set when the bytes from the server were not valid RESP. */
  parseError: string | undefined;
}

function isProtocolError(reply: Reply): boolean {
  return reply.type === 'error' && reply.value.startsWith('ERR Protocol error');
}

/** True once what was observed settles the frame's expectation (a close always does). */
function complete(expect: Expectation, observed: Observed): boolean {
  // After a protocol error the close is part of the answer: wait for it.
  if (observed.replies.some(isProtocolError)) return false;
  return expect.kind === 'replies' && observed.replies.length >= expect.replies.length;
}

/**
 * Writes the chunks (each flushed, then a turn of the event loop), then watches the replies
 * until the expectation is settled, the server closes, or (for `any`) the server is quiet.
 * After a protocol error only the close (or the time limit) ends the watch.
 */
function observe(port: number, frame: Frame): Promise<Observed> {
  const { chunks, expect } = frame;
  return new Promise((resolve, reject) => {
    const parser = new ReplyParser();
    const observed: Observed = { replies: [], closedByServer: false, parseError: undefined };
    let done = false;
    let quiet: NodeJS.Timeout | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(quiet);
      clearTimeout(limit);
      socket.destroy();
      resolve(observed);
    };
    const limit = setTimeout(finish, WATCH_MAX_MS);
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      void (async () => {
        for (const chunk of chunks) {
          if (done || socket.destroyed) return;
          await new Promise<void>((written) => socket.write(chunk, () => written()));
          await nextTurn();
        }
        writesDone = true;
        armQuiet();
      })();
    });
    let writesDone = false;
    const armQuiet = () => {
      clearTimeout(quiet);
      if (!writesDone || expect.kind !== 'any' || observed.replies.some(isProtocolError)) return;
      quiet = setTimeout(finish, QUIET_MS);
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        parser.feed(chunk);
        for (let reply = parser.next(); reply !== undefined; reply = parser.next()) observed.replies.push(reply);
      } catch (error) {
        observed.parseError = String(error);
      }
      if (complete(expect, observed)) finish();
      else armQuiet();
    });
    socket.on('close', () => {
      observed.closedByServer = !done;
      finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        done = true;
        reject(new Error(`node refused a connection: ${error.message}`));
      }
    });
  });
}

function check(frame: Frame, observed: Observed, where: string): void {
  assert.equal(observed.parseError, undefined, `${where}: the node sent bytes that are not RESP`);
  const protocolErrors = observed.replies.filter(isProtocolError);
  if (protocolErrors.length > 0) {
    assert.ok(observed.closedByServer, `${where}: a protocol error must close the connection`);
    assert.equal(observed.replies.at(-1), protocolErrors[0], `${where}: nothing may follow a protocol error`);
  }
  const expect = frame.expect;
  if (expect.kind === 'protocol-error') {
    const last = observed.replies.at(-1);
    assert.ok(last !== undefined && last.type === 'error' && last.value.startsWith(expect.message), `${where}: expected ${expect.message}, got ${JSON.stringify(last)}`);
    assert.ok(observed.closedByServer, `${where}: the connection must be closed`);
  } else if (expect.kind === 'replies') {
    assert.equal(observed.replies.length, expect.replies.length, `${where}: reply count`);
    assert.deepEqual(observed.replies, expect.replies, `${where}: replies in order`);
  }
}

/** A long-lived client that is never fuzzed: the node must keep serving it promptly. */
async function assertHealthy(client: RawClient, port: number, round: number, password?: string): Promise<void> {
  const pong = await client.call('PING');
  assert.deepEqual(pong, { type: 'simple', value: 'PONG' }, `round ${round}: PING`);
  const value = `health-${round}`;
  assert.deepEqual(await client.call('SET', 'fuzz:health', value), { type: 'simple', value: 'OK' });
  assert.deepEqual(await client.call('GET', 'fuzz:health'), { type: 'bulk', value });
  // New connections are accepted too.
  const fresh = await RawClient.connect(port);
  try {
    if (password !== undefined) assert.deepEqual(await fresh.call('AUTH', password), { type: 'simple', value: 'OK' });
    fresh.writeRaw(encodeCommand(['PING']));
    assert.deepEqual(await fresh.read(HEALTH_TIMEOUT_MS), { type: 'simple', value: 'PONG' }, `round ${round}: PING on a new connection`);
  } finally {
    fresh.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (the node stalled)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

test(`protocol fuzz: garbage, truncated, oversized and split frames never crash or stall the node (FUZZ_SEED=${SEED})`, { timeout: 20_000 }, async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const healthy = await RawClient.connect(node.port);
  t.after(() => healthy.close());
  const random = new SeededRandom(SEED);
  const startedMs = performance.now();
  let sent = 0;
  for (let round = 0; round < BATCHES && performance.now() - startedMs < BUDGET_MS; round++) {
    const frames = Array.from({ length: CONNECTIONS_PER_BATCH }, (_, i) => {
      const kind = FRAME_KINDS[random.int(FRAME_KINDS.length)] as (typeof FRAME_KINDS)[number];
      return kind(random, `${round}.${i}`);
    });
    const observed = await Promise.all(frames.map((frame) => observe(node.port, frame)));
    frames.forEach((frame, i) => check(frame, observed[i] as Observed, `seed ${SEED} round ${round} connection ${i} (${frame.name})`));
    sent += frames.length;
    await withTimeout(assertHealthy(healthy, node.port, round), HEALTH_TIMEOUT_MS, `seed ${SEED} round ${round}`);
  }
  t.diagnostic(`${sent} fuzzed connections in ${Math.round(performance.now() - startedMs)} ms`);
});

test('protocol fuzz with requirepass: unauthenticated clients hit the small limits, the node goes on', { timeout: 20_000 }, async (t) => {
  const node = await startTessera({ requirepass: 'secret' });
  t.after(() => node.stop());
  const healthy = await RawClient.connect(node.port);
  t.after(() => healthy.close());
  assert.deepEqual(await healthy.call('AUTH', 'secret'), { type: 'simple', value: 'OK' });
  const random = new SeededRandom(SEED + 1);
  for (let round = 0; round < 6; round++) {
    const frames: Frame[] = [
      { name: 'command before AUTH', chunks: [latin1('GET k\r\n')], expect: { kind: 'replies', replies: [{ type: 'error', value: 'NOAUTH Authentication required.' }] } },
      {
        name: 'too many arguments before AUTH',
        chunks: [latin1(`*${11 + random.int(100000)}\r\n`)],
        expect: { kind: 'protocol-error', message: 'ERR Protocol error: unauthenticated multibulk length' },
      },
      {
        name: 'too big a bulk before AUTH',
        chunks: [latin1(`*2\r\n$4\r\nECHO\r\n$${16385 + random.int(1_000_000)}\r\n`)],
        expect: { kind: 'protocol-error', message: 'ERR Protocol error: unauthenticated bulk length' },
      },
      { name: 'random bytes before AUTH', chunks: [randomBytes(random, 1 + random.int(200))], expect: { kind: 'any' } },
      {
        name: 'AUTH then a big frame in the same read',
        chunks: randomSplit(random, Buffer.concat([encodeCommand(['AUTH', 'secret']), encodeCommand(['ECHO', 'x'.repeat(20_000)]), encodeCommand(Array.from({ length: 12 }, () => 'PING'))]), 5),
        expect: {
          kind: 'replies',
          replies: [
            { type: 'simple', value: 'OK' },
            { type: 'bulk', value: 'x'.repeat(20_000) },
            { type: 'error', value: "ERR wrong number of arguments for 'ping' command" },
          ],
        },
      },
    ];
    const observed = await Promise.all(frames.map((frame) => observe(node.port, frame)));
    frames.forEach((frame, i) => check(frame, observed[i] as Observed, `round ${round} (${frame.name})`));
    await withTimeout(assertHealthy(healthy, node.port, round, 'secret'), HEALTH_TIMEOUT_MS, `round ${round}`);
  }
});
