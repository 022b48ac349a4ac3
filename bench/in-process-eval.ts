import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ConfigStore } from '../src/server/config/config-store.js';
import { argsToConfigText, loadConfigText } from '../src/server/config/config-file.js';
import { Logger } from '../src/server/log.js';
import { TesseraServer } from '../src/server/server.js';
import { Session } from '../src/server/session.js';
import { RequestParser } from '../src/resp/request-parser.js';
import { sha1hex } from '../src/scripting/engine.js';

/**
 * EVALSHA without sockets (as bench/in-process.ts for plain commands): the issue 4 bench's
 * script, `return redis.call('incr', KEYS[1])` on `counter:<rand>`, timed in ns per call, next
 * to plain INCR on the same keys (the script's overhead is the difference), and a few other
 * scripts so a fast path for one reply kind does not hide a slow one.
 *
 *   node dist/bench/in-process-eval.js [--pipeline 16] [--batches 5000] [--rounds 6] [--only incr]
 */

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const pipeline = option('pipeline', 16);
const batches = option('batches', 5_000);
const rounds = option('rounds', 6);
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const keyCount = 100_000;

class FakeSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 50000;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 6379;
  bytesWritten = 0;
  last: Buffer | undefined;
  setNoDelay(): void {}
  write(data: Buffer): boolean {
    this.bytesWritten += data.length;
    this.last = data;
    return true;
  }
  end(): void {}
  destroy(): void {}
}

function command(args: string[]): string {
  return `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`).join('');
}

function buildBatches(make: (key: string) => string[], count: number): Buffer[] {
  const out: Buffer[] = [];
  let state = 12345;
  for (let b = 0; b < count; b++) {
    let text = '';
    for (let i = 0; i < pipeline; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      text += command(make(String(state % keyCount).padStart(12, '0')));
    }
    out.push(Buffer.from(text, 'latin1'));
  }
  return out;
}

const SCRIPTS: Array<[string, string, number]> = [
  ['incr', "return redis.call('incr', KEYS[1])", 1],
  ['get', "return redis.call('get', KEYS[1])", 1],
  ['set-ok', "return redis.call('set', KEYS[1], ARGV[1])", 1],
  ['mget', "return redis.call('mget', KEYS[1], KEYS[1])", 1],
  ['const', 'return 1', 0],
];

async function main(): Promise<void> {
  const config = new ConfigStore();
  loadConfigText(config, argsToConfigText(['--port', '0', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']));
  const logger = new Logger();
  logger.level = 'warning';
  const server = new TesseraServer({ config, logger });
  const socket = new FakeSocket();
  const session = new Session(server, socket as unknown as Socket, 1, true, new RequestParser());
  const distinct = Math.min(batches, 2048);
  const cases: Array<[string, Buffer[]]> = [['INCR', buildBatches((n) => ['INCR', `counter:key:${n}`], distinct)]];
  for (const [name, body, numKeys] of SCRIPTS) {
    if (only !== undefined && name !== only) continue;
    socket.emit('data', Buffer.from(command(['SCRIPT', 'LOAD', body]), 'latin1'));
    const sha = sha1hex(body);
    cases.push([`EVALSHA ${name}`, buildBatches((n) => ['EVALSHA', sha, String(numKeys), ...(numKeys > 0 ? [`counter:${n}`] : []), 'v'], distinct)]);
  }
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, data] of cases) {
      const started = process.hrtime.bigint();
      for (let b = 0; b < batches; b++) socket.emit('data', data[b % data.length]);
      const ns = Number(process.hrtime.bigint() - started) / (batches * pipeline);
      best.set(name, Math.min(best.get(name) ?? Infinity, ns));
    }
  }
  for (const [name, ns] of best) console.log(`${name.padEnd(16)} ${ns.toFixed(0).padStart(6)} ns/call (best of ${rounds} rounds, ${batches} batches of ${pipeline})`);
  session.close();
  await server.close();
}

await main();
