import { connect, type Socket } from 'node:net';
import { ReplyParser, encodeCommand, type Reply, type ReplyParserOptions } from '../../src/resp/reply-parser.js';

/**
 * A minimal RESP client that keeps replies as typed trees and can send raw bytes: for tests that
 * compare replies exactly (reply types, RESP3) or speak broken protocol on purpose.
 */
export class RawClient {
  readonly socket: Socket;
  #parser: ReplyParser;
  #waiting: Array<{ resolve: (reply: Reply) => void; reject: (error: Error) => void }> = [];
  #queued: Reply[] = [];
  #closed = false;
  #closeWaiters: Array<() => void> = [];

  private constructor(socket: Socket, parserOptions: ReplyParserOptions) {
    this.socket = socket;
    this.#parser = new ReplyParser(parserOptions);
    socket.on('data', (chunk: Buffer) => {
      this.#parser.feed(chunk);
      for (let reply = this.#parser.next(); reply !== undefined; reply = this.#parser.next()) {
        const waiter = this.#waiting.shift();
        if (waiter) waiter.resolve(reply);
        else this.#queued.push(reply);
      }
    });
    socket.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('connection closed'));
      for (const done of this.#closeWaiters.splice(0)) done();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1', parserOptions: ReplyParserOptions = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RawClient(socket, parserOptions)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves once the server closed the connection, or rejects after timeoutMs. */
  waitClosed(timeoutMs = 5000): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      this.#closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  writeRaw(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** The next reply, or a rejection after timeoutMs. */
  read(timeoutMs = 5000): Promise<Reply> {
    const queued = this.#queued.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      this.#waiting.push({
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  call(...args: Array<string | Buffer>): Promise<Reply> {
    this.writeRaw(encodeCommand(args));
    return this.read();
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * A reply tree as plain JSON-able data, for assertions and diffs. With keepNullMarker, a nil
 * keeps which bytes were sent (`$-1`, `*-1` or RESP3 `_`): the compat harness compares those.
 */
export function replyToPlain(reply: Reply, options: { keepNullMarker?: boolean } = {}): unknown {
  const plain = (item: Reply): unknown => replyToPlain(item, options);
  switch (reply.type) {
    case 'integer':
      return { integer: reply.value.toString() };
    case 'null':
      return options.keepNullMarker ? { null: reply.marker ?? '?' } : null;
    case 'array':
    case 'set':
    case 'push':
      return { [reply.type]: reply.value.map(plain) };
    case 'map':
      return { map: reply.value.map(([k, v]) => [plain(k), plain(v)]) };
    case 'verbatim':
      return { verbatim: reply.value, format: reply.format };
    default:
      return { [reply.type]: reply.value };
  }
}
