import { connect, type Socket } from 'node:net';
import { ReplyParser, type Reply } from '../src/resp/reply-parser.js';

/** Encodes commands as RESP multibulk requests into one latin1 string (one socket write). */
export function encodeCommands(commands: readonly (readonly string[])[]): string {
  let out = '';
  for (const args of commands) {
    out += `*${args.length}\r\n`;
    for (const arg of args) out += `$${arg.length}\r\n${arg}\r\n`;
  }
  return out;
}

/**
 * A RESP client for the bench: sends a batch of commands in one write and resolves with their
 * replies in order. One batch at a time; replies are kept as typed trees.
 */
export class PipelineClient {
  readonly #socket: Socket;
  readonly #parser = new ReplyParser();
  #replies: Reply[] = [];
  #expected = 0;
  #pending: { resolve: (replies: Reply[]) => void; reject: (error: Error) => void } | null = null;
  #failure: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  static connect(port: number): Promise<PipelineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => {
        socket.off('error', reject);
        resolve(new PipelineClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends every command, resolves with all replies (errors included, as error replies). */
  batch(commands: readonly (readonly string[])[], timeoutMs = 30_000): Promise<Reply[]> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#pending !== null) return Promise.reject(new Error('one batch at a time'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new Error(`no complete reply batch within ${timeoutMs} ms`)), timeoutMs);
      this.#expected = commands.length;
      this.#replies = [];
      this.#pending = {
        resolve: (replies) => {
          clearTimeout(timer);
          resolve(replies);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#socket.write(Buffer.from(encodeCommands(commands), 'latin1'));
    });
  }

  async call(...args: string[]): Promise<Reply> {
    const [reply] = await this.batch([args]);
    return reply as Reply;
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#parser.feed(chunk);
    for (let reply = this.#parser.next(); reply !== undefined; reply = this.#parser.next()) {
      this.#replies.push(reply);
    }
    if (this.#pending !== null && this.#replies.length >= this.#expected) {
      const pending = this.#pending;
      this.#pending = null;
      pending.resolve(this.#replies);
      this.#replies = [];
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const pending = this.#pending;
    this.#pending = null;
    pending?.reject(error);
  }
}
