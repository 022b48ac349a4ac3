import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/lib/random.js';
import { encodeCommand } from '../../src/resp/reply-parser.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';
import { rawExchange } from './harness/raw-exchange.js';

/** Bytes as written in a JS string: one char per byte. */
const b = (text: string) => Buffer.from(text, 'latin1');
const TOO_BIG = 70 * 1024; // past PROTO_INLINE_MAX_SIZE (64 KiB)

/** Malformed and odd frames; each goes alone on a fresh connection to both servers. */
const FRAMES: ReadonlyArray<[name: string, bytes: Buffer]> = [
  ['multibulk count not a number', b('*x\r\n')],
  ['empty multibulk count', b('*\r\n')],
  ['multibulk count with plus sign', b('*+1\r\n')],
  ['multibulk count with leading zero', b('*01\r\n')],
  ['multibulk count -0', b('*-0\r\n')],
  ['multibulk count past INT_MAX', b('*3000000000\r\n')],
  ['negative multibulk count is skipped', b('*-1\r\nPING\r\n')],
  ['very negative multibulk count is skipped', b('*-5\r\nPING\r\n')],
  ['zero multibulk count is skipped', b('*0\r\nPING\r\n')],
  ['negative bulk length', b('*1\r\n$-5\r\n')],
  ['bulk length -1', b('*1\r\n$-1\r\n')],
  ['bulk length -0', b('*1\r\n$-0\r\n')],
  ['empty bulk length', b('*1\r\n$\r\n')],
  ['bulk length with a space', b('*1\r\n$ 4\r\nPING\r\n')],
  ['bulk length with plus sign', b('*1\r\n$+4\r\n')],
  ['bulk length with leading zero', b('*1\r\n$01\r\nx\r\n')],
  ['bulk length past proto-max-bulk-len', b('*1\r\n$536870913\r\n')],
  ['bulk length way past 64 bits', b('*2\r\n$3\r\nGET\r\n$99999999999999999999999\r\n')],
  ['bulk length at proto-max-bulk-len waits', b('*1\r\n$536870912\r\n')],
  ['simple string instead of bulk', b('*1\r\n+x\r\n')],
  ['integer instead of bulk', b('*1\r\n:1\r\n')],
  ['letter instead of bulk', b('*1\r\nx\r\n')],
  ['bulk marker checked only after CR LF', b('*1\rPING')],
  ['good command then bad bulk length', b('*1\r\n$4\r\nPING\r\n*1\r\n$1x\r\n')],
  ['bulk body longer than its length', b('*1\r\n$4\r\nPINGPING\r\n')],
  ['bulk body without CR LF', b('*1\r\n$4\r\nPINGxx')],
  ['empty bulk command name', b('*1\r\n$0\r\n\r\n')],
  ['bulk with embedded CR LF', b('*2\r\n$4\r\nECHO\r\n$3\r\na\r\n\r\n')],
  ['bulk with NUL bytes', b('*2\r\n$4\r\nECHO\r\n$2\r\n\x00\x01\r\n')],
  ['unknown command with NUL in name', b('*1\r\n$4\r\nPI\x00G\r\n')],
  ['inline $ line is a command', b('$-5\r\n')],
  ['inline bare $', b('$\r\n')],
  ['unbalanced double quote', b('set "a b\r\n')],
  ['unbalanced single quote', b("set 'a b\r\n")],
  ['closing quote followed by a letter', b("set 'a'b c\r\n")],
  ['double quote followed by a letter', b('"ab"c\r\n')],
  ['single-quoted backslash at the end', b("ECHO '\\\\'\r\n")],
  ['hex escape', b('ECHO "\\x41\\x42"\r\n')],
  ['short hex escape', b('ECHO "\\x4"\r\n')],
  ['unknown escape', b('ECHO "\\u"\r\n')],
  ['escaped quote', b('ECHO "a\\""\r\n')],
  ['inline with LF only', b('PING\n')],
  ['inline with CR CR LF', b('PING\r\r\n')],
  ['empty inline lines', b('\r\n\r\n\n PING\r\n')],
  ['inline with tabs', b('ECHO\t\tx\r\n')],
  ['inline starting with NUL waits', b('\x00\x01\r\n')],
  ['NUL inside an inline line waits', b('EC\x00HO a\r\n')],
  ['NUL after a good command waits', b('*1\r\n$4\r\nPING\r\n\x00PING\r\n')],
  ['NUL in a multibulk header waits', b('*1\x00\r\n')],
  ['NUL before a bulk header waits', b('*1\r\n\x00$4\r\n')],
  ['inline pipeline', b('PING\r\nECHO a\r\nPING b\r\n')],
  ['mixed inline and multibulk', b('PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\nECHO y\r\n')],
  ['commands after QUIT in the same read are not run', b('PING\r\nQUIT\r\nPING\r\n')],
  ['QUIT as multibulk mid-pipeline', b('*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n')],
  ['HELLO 3 applies to the rest of the read', b('HELLO 3\r\nGET nokey\r\nHELLO 2\r\nGET nokey\r\n')],
  ['SELECT applies to the rest of the read', b('SELECT 1\r\nSET rawk 1\r\nSELECT 0\r\nGET rawk\r\nSELECT 1\r\nGET rawk\r\n')],
  ['too big inline request', Buffer.alloc(TOO_BIG, 0x61)],
  ['too big inline request after a command', Buffer.concat([b('PING\r\n'), Buffer.alloc(TOO_BIG, 0x20)])],
  ['too big multibulk count string', Buffer.concat([b('*'), Buffer.alloc(TOO_BIG, 0x31)])],
  ['too big bulk count string', Buffer.concat([b('*1\r\n$'), Buffer.alloc(TOO_BIG, 0x31)])],
  ['inline just under the limit waits', Buffer.alloc(60 * 1024, 0x61)],
];

/** With requirepass set: Redis's tighter limits before AUTH. */
const UNAUTHENTICATED_FRAMES: ReadonlyArray<[name: string, bytes: Buffer]> = [
  ['NOAUTH for a command', b('GET k\r\n')],
  ['ten arguments are allowed', b(`*10\r\n${'$1\r\na\r\n'.repeat(10)}`)],
  ['eleven arguments are not', b('*11\r\n')],
  ['a 16384-byte bulk is allowed', Buffer.concat([b('*2\r\n$4\r\nECHO\r\n$16384\r\n'), Buffer.alloc(16384, 0x62), b('\r\n')])],
  ['a 16385-byte bulk is not', b('*2\r\n$4\r\nECHO\r\n$16385\r\n')],
  ['AUTH then a big frame', b('AUTH secret\r\n*11\r\n$4\r\nECHO\r\n$1\r\nx\r\n')],
  ['wrong AUTH then a big frame', b('AUTH nope\r\n*11\r\n')],
  ['HELLO AUTH in the same read', b('HELLO 2 AUTH default secret\r\n*2\r\n$4\r\nECHO\r\n$16385\r\n')],
];

const MIB = 1024 * 1024;
const echoOf = (length: number) => Buffer.concat([b(`*2\r\n$4\r\nECHO\r\n$${length}\r\n`), Buffer.alloc(length, 0x63), b('\r\n')]);

/** With proto-max-bulk-len and client-query-buffer-limit at their 1 MiB minimum. */
const SMALL_LIMIT_FRAMES: ReadonlyArray<[name: string, bytes: Buffer]> = [
  ['bulk over proto-max-bulk-len', b(`*2\r\n$4\r\nECHO\r\n$${MIB + 1}\r\n`)],
  ['bulk just under both limits', echoOf(MIB - 100)],
  ['bulk at proto-max-bulk-len overflows the query buffer: silent close', echoOf(MIB)],
  ['pipeline bigger than the query buffer limit, small commands', Buffer.concat(Array.from({ length: 3 }, () => echoOf(MIB / 2)))],
];

function replaceIds(text: string): string {
  // HELLO's reply carries the connection id, which differs between the two servers.
  return text.replace(/\$2\r\nid\r\n:\d+\r\n/g, '$2\r\nid\r\n:<id>\r\n');
}

/** Frames compared at once; more would make slow replies look like quiet connections. */
const CONCURRENT_FRAMES = 16;

async function compareFrames(redisPort: number, tesseraPort: number, frames: ReadonlyArray<[string, Buffer]>): Promise<string[]> {
  const results: Array<string | null> = [];
  for (let at = 0; at < frames.length; at += CONCURRENT_FRAMES) results.push(...(await compareSome(redisPort, tesseraPort, frames.slice(at, at + CONCURRENT_FRAMES))));
  return results.filter((result): result is string => result !== null);
}

async function compareSome(redisPort: number, tesseraPort: number, frames: ReadonlyArray<[string, Buffer]>): Promise<Array<string | null>> {
  return Promise.all(
    frames.map(async ([name, bytes]) => {
      const [expected, actual] = await Promise.all([rawExchange(redisPort, bytes), rawExchange(tesseraPort, bytes)]);
      expected.received = replaceIds(expected.received);
      actual.received = replaceIds(actual.received);
      if (expected.received === actual.received && expected.closed === actual.closed) return null;
      return `${name} ${JSON.stringify(bytes.length > 80 ? `${bytes.toString('latin1', 0, 80)}...` : bytes.toString('latin1'))}\n  redis:   ${JSON.stringify(expected)}\n  tessera: ${JSON.stringify(actual)}`;
    }),
  );
}

const MUTATION_BYTES = '\r\n*$-+0129 "\'\\\x00x';
const MUTATED_FRAMES = Number(process.env['COMPAT_MUTATED_FRAMES'] ?? 160);

/**
 * Valid requests (side-effect free) with a few random byte mutations: flips, inserts of
 * protocol-significant bytes, deletions, truncation. Seeded by COMPAT_SEED.
 */
function mutatedFrames(seed: number, count: number): Array<[string, Buffer]> {
  const random = new SeededRandom(seed);
  const frames: Array<[string, Buffer]> = [];
  for (let n = 0; n < count; n++) {
    const parts: Buffer[] = [];
    const commands = 1 + random.int(4);
    for (let i = 0; i < commands; i++) {
      const which = random.int(4);
      if (which === 0) parts.push(encodeCommand(['PING']));
      else if (which === 1) parts.push(encodeCommand(['ECHO', `v${random.int(1000)}`]));
      else if (which === 2) parts.push(b(`ECHO "q${random.int(100)}" 'x'\r\n`));
      else parts.push(encodeCommand(['GET', `m${random.int(10)}`]));
    }
    const bytes = [...Buffer.concat(parts)];
    const mutations = 1 + random.int(3);
    for (let m = 0; m < mutations && bytes.length > 0; m++) {
      const at = random.int(bytes.length);
      const kind = random.int(4);
      const byte = MUTATION_BYTES.charCodeAt(random.int(MUTATION_BYTES.length));
      if (kind === 0) bytes[at] = byte;
      else if (kind === 1) bytes.splice(at, 0, byte);
      else if (kind === 2) bytes.splice(at, 1);
      else bytes.length = at;
    }
    frames.push([`mutated #${n} (seed ${seed})`, Buffer.from(bytes)]);
  }
  return frames;
}

test('raw protocol: malformed frames get the same error and the same close as redis-server', async (t) => {
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const node = await startTessera();
  t.after(() => node.stop());
  const mismatches = await compareFrames(redis.port, node.port, FRAMES);
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${FRAMES.length} frames differ:\n${mismatches.join('\n')}`);
});

test('raw protocol: limits before AUTH (requirepass) match redis-server', async (t) => {
  const redis = await startRedisServer(['--requirepass', 'secret']);
  t.after(() => redis.stop());
  const node = await startTessera({ requirepass: 'secret' });
  t.after(() => node.stop());
  const mismatches = await compareFrames(redis.port, node.port, UNAUTHENTICATED_FRAMES);
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${UNAUTHENTICATED_FRAMES.length} frames differ:\n${mismatches.join('\n')}`);
});

test('raw protocol: randomly mutated requests get the same bytes and close as redis-server', async (t) => {
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const node = await startTessera();
  t.after(() => node.stop());
  const seed = Number(process.env['COMPAT_SEED'] ?? 4242);
  const frames = mutatedFrames(seed, MUTATED_FRAMES);
  const mismatches = await compareFrames(redis.port, node.port, frames);
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${frames.length} mutated frames differ (COMPAT_SEED=${seed}):\n${mismatches.join('\n')}`);
});

test('raw protocol: proto-max-bulk-len and client-query-buffer-limit behave like redis-server', async (t) => {
  const limits = { 'proto-max-bulk-len': '1mb', 'client-query-buffer-limit': '1mb' };
  const redis = await startRedisServer(Object.entries(limits).flatMap(([name, value]) => [`--${name}`, value]));
  t.after(() => redis.stop());
  const node = await startTessera(limits);
  t.after(() => node.stop());
  const mismatches = await compareFrames(redis.port, node.port, SMALL_LIMIT_FRAMES);
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${SMALL_LIMIT_FRAMES.length} frames differ:\n${mismatches.join('\n')}`);
});
