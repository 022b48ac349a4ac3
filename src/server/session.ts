import type { Socket } from 'node:net';
import { ProtocolError, RequestParser } from '../resp/request-parser.js';
import { ReplyWriter } from '../resp/reply-writer.js';
import { attachTransport, type ClientTransport, type TransportReceiver } from './client-transport.js';
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
export class Session implements DispatchClient, TransportReceiver {
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
  readonly #transport: ClientTransport;
  readonly #host: SessionHost;
  #closed = false;
  /** A command held back by CLIENT PAUSE, run when the pause ends. */
  #parked: string[] | null = null;

  constructor(host: SessionHost, socket: Socket, id: number, authenticated: boolean, parser: RequestParser) {
    this.#host = host;
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
    this.#transport = attachTransport(socket, this);
  }

  /** The descriptor CLIENT LIST shows (-1 when unknown). */
  get fd(): number {
    return this.#transport.fd;
  }

  /** Reply bytes written but not yet taken by the kernel (output buffer limits). */
  get pendingOutputBytes(): number {
    return this.#transport.pendingBytes;
  }

  get closed(): boolean {
    return this.#closed;
  }

  startMonitor(): void {
    this.monitor = true;
    this.#host.addMonitor(this);
  }

  /** `borrowed`: the bytes are the shared read buffer's, valid only until this returns. */
  receive(chunk: Buffer, borrowed: boolean): void {
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
      // A failed write (EPIPE, ECONNRESET) closes the session: nothing more to do.
      if (!this.#transport.write(writer)) {
        this.close();
        return;
      }
    }
    if (this.closeAfterReply) {
      this.#closed = true;
      this.#transport.end();
      this.#host.onSessionClosed(this);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.destroy();
    this.#host.onSessionClosed(this);
  }
}
