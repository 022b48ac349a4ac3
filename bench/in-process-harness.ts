import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ConfigStore } from '../src/server/config/config-store.js';
import { argsToConfigText, loadConfigText } from '../src/server/config/config-file.js';
import { Logger } from '../src/server/log.js';
import { TesseraServer } from '../src/server/server.js';
import { Session } from '../src/server/session.js';
import { RequestParser } from '../src/resp/request-parser.js';

/**
 * What bench/in-process.ts and bench/in-process-eval.ts share: a node with one client session on
 * a fake socket (replies are counted and dropped), and pipelined batches of commands built once.
 */

/** `--name value` from the command line, as a number. */
export function numberOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

class FakeSocket extends EventEmitter {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 50000;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 6379;
  /** Like a socket whose kernel buffer took every write at once. */
  readonly writableLength = 0;
  bytesWritten = 0;
  setNoDelay(): void {}
  resume(): void {}
  write(data: Buffer): boolean {
    this.bytesWritten += data.length;
    return true;
  }
  end(): void {}
  destroy(): void {}
}

export function command(args: readonly string[]): string {
  return `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`).join('');
}

/**
 * `count` batches of `pipeline` commands, each made by `make` from a pseudo-random key number
 * below `keyCount` written as 12 digits (redis-benchmark's `__rand_int__`).
 */
export function buildBatches(make: (digits: string) => string[], count: number, pipeline: number, keyCount: number): Buffer[] {
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

export interface InProcessNode {
  /** Feeds one read's bytes to the session and writes its replies, as one event-loop turn does. */
  send(data: Buffer): void;
  stop(): Promise<void>;
}

export function startInProcessNode(): InProcessNode {
  const config = new ConfigStore();
  loadConfigText(config, argsToConfigText(['--port', '0', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']));
  const logger = new Logger();
  logger.level = 'warning';
  const server = new TesseraServer({ config, logger });
  const socket = new FakeSocket();
  const session = new Session(server, socket as unknown as Socket, 1, true, new RequestParser());
  return {
    send(data: Buffer): void {
      socket.emit('data', data);
      // The node writes a turn's replies at the turn's end; a synchronous loop has no turns.
      session.flush();
    },
    async stop(): Promise<void> {
      session.close();
      await server.close();
    },
  };
}

/**
 * Runs each case's batches `batches` times per round (cases interleaved within a round) and
 * returns each case's best ns per command over `rounds` rounds.
 */
export function bestNsPerCommand(node: InProcessNode, cases: ReadonlyArray<readonly [string, Buffer[]]>, rounds: number, batches: number, pipeline: number): Map<string, number> {
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, data] of cases) {
      const started = process.hrtime.bigint();
      for (let b = 0; b < batches; b++) node.send(data[b % data.length] as Buffer);
      const nsPerCommand = Number(process.hrtime.bigint() - started) / (batches * pipeline);
      best.set(name, Math.min(best.get(name) ?? Infinity, nsPerCommand));
    }
  }
  return best;
}
