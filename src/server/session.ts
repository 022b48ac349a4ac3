import { writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { ProtocolError, RequestParser } from '../resp/request-parser.js';
import { ReplyWriter } from '../resp/reply-writer.js';
import { readIntoSharedBuffer } from './shared-read-buffer.js';
import type { Context, DispatchClient, TransactionState } from './dispatch.js';

/** What a session needs from its node. */
export interface SessionHost {
  /** Runs one command for this session. */
  execute(session: Session, argv: string[]): void;
  /** Called before a batch of commands from one read; returns the wall-clock time in ms. */
  beginBatch(): number;
  /** True while CLIENT PAUSE holds this command back (all commands, or writes only). */
  isPausedFor(argv: readonly string[]): boolean;
  countInputBytes(bytes: number): void;
  countOutputBytes(bytes: number): void;
  onSessionClosed(session: Session): void;
  addMonitor(session: Session): void;
  log(level: 'verbose' | 'notice' | 'warning', message: string): void;
  nowMs(): number;
  /**
   * True when the replies must wait for this turn's AOF write (appendfsync always: its fsync):
   * the host flushes the session again once the AOF is written.
   */
  holdReply(session: Session): boolean;
  /**
   * Flushes the session later in this event-loop turn, after every socket that was ready has
   * been read (Redis's beforeSleep writes pending replies the same way).
   */
  deferFlush(session: Session): void;
}

/**
 * One client connection: parses what arrives, runs each command in order, and writes all the
 * replies of one read with one socket write.
 */
export class Session implements DispatchClient {
  readonly id: number;
  name = '';
  dbIndex = 0;
  protocol: 2 | 3 = 2;
  authenticated: boolean;
  user = 'default';
  replyMode: 'on' | 'off' | 'skip' = 'on';
  skipCurrentReply = false;
  noEvict = false;
  closeAfterReply = false;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly isLocal: boolean;
  readonly createdAtMs: number;
  lastInteractionMs: number;
  lastCommand = 'NULL';
  monitor = false;
  blocked = false;
  /** When this client's output first went over the soft limit (0: it is not over). */
  readonly outputLimitState = { overSoftSinceMs: 0 };
  transaction: TransactionState | undefined = undefined;
  clusterAsking = false;
  clusterReadonly = false;
  clusterSlot = -1;
  watchDirty = false;
  dispatchContext: Context | undefined = undefined;
  readonly writer = new ReplyWriter();
  readonly parser: RequestParser;
  readonly socket: Socket;
  readonly #host: SessionHost;
  #closed = false;
  /**
   * The socket's descriptor (CLIENT LIST's fd=, direct writes in #write); -1 when libuv does
   * not expose one: then replies go through the socket.
   */
  readonly fd: number;
  /** A command held back by CLIENT PAUSE, run when the pause ends. */
  #parked: string[] | null = null;

  constructor(host: SessionHost, socket: Socket, id: number, authenticated: boolean, parser: RequestParser) {
    this.#host = host;
    this.socket = socket;
    this.id = id;
    this.authenticated = authenticated;
    this.parser = parser;
    parser.authenticated = authenticated;
    const unix = socket.remoteAddress === undefined;
    this.remoteAddress = unix ? '/unixsocket:0' : `${socket.remoteAddress}:${socket.remotePort}`;
    this.localAddress = unix ? '/unixsocket:0' : `${socket.localAddress}:${socket.localPort}`;
    const remote = socket.remoteAddress ?? '';
    this.isLocal = unix || remote === '127.0.0.1' || remote === '::1' || remote.startsWith('::ffff:127.') || remote.startsWith('127.');
    this.createdAtMs = host.nowMs();
    this.lastInteractionMs = this.createdAtMs;
    socket.setNoDelay(true);
    // `_handle.fd` is libuv's descriptor: internal to Node but stable for TCP and pipe handles.
    const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle;
    this.fd = typeof handle?.fd === 'number' ? handle.fd : -1;
    // Accepted paused (pauseOnConnect): reads start once the reader is in place.
    if (!readIntoSharedBuffer(socket, (bytes) => this.#onData(bytes, true))) socket.on('data', (chunk: Buffer) => this.#onData(chunk, false));
    socket.resume();
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  startMonitor(): void {
    this.monitor = true;
    this.#host.addMonitor(this);
  }

  /** `borrowed`: the bytes are the shared read buffer's, valid only until this returns. */
  #onData(chunk: Buffer, borrowed: boolean): void {
    if (this.#closed) return;
    this.#host.countInputBytes(chunk.length);
    this.parser.feed(chunk, borrowed);
    try {
      this.lastInteractionMs = this.#host.beginBatch();
      this.#runCommands();
    } finally {
      if (borrowed) this.parser.releaseBorrowed();
    }
  }

  /** Runs every complete command buffered, then flushes. Also called when a pause ends. */
  processInput(): void {
    this.#host.beginBatch();
    this.#runCommands();
  }

  #runCommands(): void {
    while (!this.#closed && !this.closeAfterReply && !this.blocked) {
      let argv = this.#parked;
      this.#parked = null;
      if (argv === null) {
        try {
          argv = this.parser.next();
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          if (error.silent) {
            this.#host.log('warning', `${error.message}: addr=${this.remoteAddress}`);
            this.flush();
            this.close();
            return;
          }
          this.writer.error(`ERR ${error.message}`);
          this.#host.log('verbose', `${error.message} from client: addr=${this.remoteAddress}`);
          this.closeAfterReply = true;
          break;
        }
      }
      if (argv === null) break;
      if (this.#host.isPausedFor(argv)) {
        this.#parked = argv;
        break;
      }
      this.#host.execute(this, argv);
      this.parser.authenticated = this.authenticated;
    }
    if (this.closeAfterReply) this.flush();
    else if (this.writer.pendingBytes > 0 && !this.flushDeferred) {
      this.flushDeferred = true;
      this.#host.deferFlush(this);
    }
  }

  /** Set while the host holds this session in its end-of-turn flush list. */
  flushDeferred = false;
  /** Set while the host holds this session in its list of pub/sub receivers to flush. */
  pubsubFlushQueued = false;

  /** Sends what the writer holds; closes afterwards when QUIT or a protocol error asked to. */
  flush(): void {
    if (this.#closed) return;
    const writer = this.writer;
    if (writer.pendingBytes > 0 && this.#host.holdReply(this)) return;
    if (writer.pendingBytes > 0) {
      this.#host.countOutputBytes(writer.pendingBytes);
      this.#write(writer);
      // A failed write (EPIPE, ECONNRESET) closed the session: nothing more to do.
      if (this.#closed) return;
    }
    if (this.closeAfterReply) {
      this.#closed = true;
      this.socket.end();
      this.#host.onSessionClosed(this);
    }
  }

  /**
   * Writes the pending replies with one write(2) on the descriptor, straight from the writer's
   * buffer, when nothing is queued on the socket; only what the kernel did not take goes to the
   * socket (Redis writes the same way, and installs a write handler only for a remainder).
   */
  #write(writer: ReplyWriter): void {
    const fd = this.fd;
    if (fd >= 0 && this.socket.writableLength === 0) {
      let written = 0;
      try {
        written = writeSync(fd, writer.pendingBuffer, writer.pendingStart, writer.pendingBytes);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
          this.close();
          return;
        }
      }
      // Nothing was queued on the socket: bytes the kernel took are not referenced anywhere, so
      // the writer may reuse its buffer from the start instead of allocating a new one when full
      // (a 16 KB ArrayBuffer every ~15 replies of 1 KB: external memory V8 must sweep).
      writer.consume(written);
      if (writer.pendingBytes === 0) return;
    }
    this.socket.write(writer.take());
    if (this.socket.writableLength === 0) writer.recycle();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.destroy();
    this.#host.onSessionClosed(this);
  }
}
