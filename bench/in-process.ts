import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ConfigStore } from '../src/server/config/config-store.js';
import { argsToConfigText, loadConfigText } from '../src/server/config/config-file.js';
import { Logger } from '../src/server/log.js';
import { TesseraServer } from '../src/server/server.js';
import { Session } from '../src/server/session.js';
import { RequestParser } from '../src/resp/request-parser.js';

/**
 * The command path without sockets or a client: parser, dispatch, handler, keyspace and reply
 * writer, timed in ns per command. It isolates the JavaScript cost from the kernel and from
 * redis-benchmark, so a change to the hot path can be judged on a busy machine (interleave A/B
 * builds; the figures still move with machine load).
 *
 *   node dist/bench/in-process.js [--keys 100000] [--pipeline 16] [--batches 20000] [--rounds 6]
 *
 * Keys are redis-benchmark's (`key:` + 12 digits, -r 100000), values 3 bytes; a fake socket
 * discards the replies (their bytes are counted, so nothing is optimised away).
 */

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const keyCount = option('keys', 100_000);
const pipeline = option('pipeline', 16);
const batches = option('batches', 20_000);
const rounds = option('rounds', 6);

class FakeSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 50000;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 6379;
  bytesWritten = 0;
  setNoDelay(): void {}
  write(data: Buffer): boolean {
    this.bytesWritten += data.length;
    return true;
  }
  end(): void {}
  destroy(): void {}
}

function command(args: string[]): string {
  return `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`).join('');
}

/** Pre-built batches of `pipeline` commands with random keys, as redis-benchmark sends them. */
function buildBatches(make: (key: string) => string[], count: number): Buffer[] {
  const out: Buffer[] = [];
  let state = 12345;
  for (let b = 0; b < count; b++) {
    let text = '';
    for (let i = 0; i < pipeline; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      text += command(make(`key:${String(state % keyCount).padStart(12, '0')}`));
    }
    out.push(Buffer.from(text, 'latin1'));
  }
  return out;
}

async function main(): Promise<void> {
  const config = new ConfigStore();
  loadConfigText(config, argsToConfigText(['--port', '0', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']));
  const logger = new Logger();
  logger.level = 'warning';
  const server = new TesseraServer({ config, logger });
  const socket = new FakeSocket();
  const session = new Session(server, socket as unknown as Socket, 1, true, new RequestParser());
  const distinctBatches = Math.min(batches, 4096);
  const cases: Array<[string, Buffer[]]> = [
    ['SET', buildBatches((key) => ['SET', key, 'xxx'], distinctBatches)],
    ['GET', buildBatches((key) => ['GET', key], distinctBatches)],
    ['INCR', buildBatches((key) => ['INCR', `counter:${key}`], distinctBatches)],
    ['PING', buildBatches(() => ['PING'], distinctBatches)],
  ];
  // Fill every key first so GET always hits.
  for (let i = 0; i < keyCount; i++) socket.emit('data', Buffer.from(command(['SET', `key:${String(i).padStart(12, '0')}`, 'xxx']), 'latin1'));
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, data] of cases) {
      const started = process.hrtime.bigint();
      for (let b = 0; b < batches; b++) socket.emit('data', data[b % data.length]);
      const nsPerCommand = Number(process.hrtime.bigint() - started) / (batches * pipeline);
      best.set(name, Math.min(best.get(name) ?? Infinity, nsPerCommand));
    }
  }
  for (const [name, ns] of best) console.log(`${name.padEnd(5)} ${ns.toFixed(0).padStart(5)} ns/command (best of ${rounds} rounds, ${batches} batches of ${pipeline}, ${keyCount} keys)`);
  session.close();
  await server.close();
}

await main();
