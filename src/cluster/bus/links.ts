/**
 * The cluster bus's sockets: a TCP server on the bus port and the links to peers, like Redis's
 * clusterLink (src/cluster.c). The state machine (src/cluster/state) decides which links exist:
 * it names outbound links ('out:<n>') in `connect` effects and learns which node sits behind an
 * inbound link ('in:<n>', named here) from the first message on it. This layer knows sockets,
 * frames and buffers only.
 *
 * - Framing: FrameReader. A bad signature or a totlen below the header closes the link (the
 *   stream is out of sync); a frame that does not decode (wrong length for its type, bad version)
 *   is dropped with a log line and the link stays, as clusterProcessPacket does.
 * - Reconnects: the state machine asks for a new outbound link after one closes (Redis's
 *   clusterCron does it every 100 ms). Here, connects to an address that keeps failing are
 *   delayed with an exponential backoff, so a dead peer costs a connect every few seconds, not
 *   ten a second; the first success resets it.
 * - Send buffers are bounded: a link whose unsent bytes would pass the limit is closed with a
 *   log line (Redis's cluster-link-sendbuf-limit; 0 there is unlimited, here a generous bound).
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { decodeMessage } from './codec.js';
import { HEADER, MESSAGE_TYPE_COUNT } from './constants.js';
import { FrameReader } from './frame-reader.js';
import type { ClusterMessage } from './message.js';

export type LinkDirection = 'outbound' | 'inbound';

/** What the runtime sees of one link. */
export interface BusLink {
  /** 'out:<n>' as the state machine named it, or 'in:<n>' for an accepted connection. */
  readonly id: string;
  readonly direction: LinkDirection;
  readonly createdAtMs: number;
  /** Unsent bytes queued on the socket (CLUSTER LINKS send-buffer-used). */
  readonly sendBufferBytes: number;
  /** Largest sendBufferBytes seen (CLUSTER LINKS send-buffer-allocated stand-in). */
  readonly sendBufferPeakBytes: number;
  readonly connected: boolean;
  /** The peer's address as the socket says, '' before connecting. */
  readonly remoteIp: string;
  /** Our address on this connection (how a node learns its own IP on MEET), '' before connecting. */
  readonly localIp: string;
}

export interface BusEvents {
  /** An outbound link finished connecting. */
  linkUp(link: BusLink): void;
  /**
   * A link closed on its own: by the peer, an error, a bad frame, the buffer limit, or a failed
   * connect. Not called for links closed with closeLink().
   */
  linkDown(link: BusLink, reason: string): void;
  /** A peer connected to our bus port. */
  inboundAccepted(link: BusLink): void;
  /** A whole frame that decoded. */
  message(link: BusLink, message: ClusterMessage): void;
}

export interface ClusterBusOptions {
  readonly events: BusEvents;
  readonly log: (level: 'verbose' | 'notice' | 'warning', message: string) => void;
  readonly nowMs: () => number;
  /** Unsent bytes per link above which the link is closed. 0: SEND_BUFFER_BYTES_MAX_DEFAULT. */
  sendBufferBytesMax?: number;
  readonly reconnectDelayMsMin?: number;
  readonly reconnectDelayMsMax?: number;
  /** A connect that has not finished after this long fails. */
  readonly connectTimeoutMs?: number;
  readonly frameBytesMax?: number;
}

/** When cluster-link-sendbuf-limit is 0 (unlimited in Redis) we still keep a bound. */
export const SEND_BUFFER_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;
export const RECONNECT_DELAY_MS_MIN = 100;
export const RECONNECT_DELAY_MS_MAX = 2000;
export const CONNECT_TIMEOUT_MS = 5000;
/** Addresses whose failures we remember for the backoff; the oldest is forgotten past it. */
const BACKOFF_ADDRESSES_MAX = 1024;

class Link implements BusLink {
  readonly reader: FrameReader;
  sendBufferPeakBytes = 0;
  connected = false;
  closed = false;
  socket: Socket | null = null;
  /** A dial waiting for the backoff, or the connect timeout. */
  timer: NodeJS.Timeout | null = null;
  /** host:port dialled (outbound links). */
  address = '';

  constructor(
    readonly id: string,
    readonly direction: LinkDirection,
    readonly createdAtMs: number,
    frameBytesMax: number | undefined,
  ) {
    this.reader = new FrameReader(frameBytesMax === undefined ? {} : { frameBytesMax });
  }

  get sendBufferBytes(): number {
    return this.closed || this.socket === null ? 0 : this.socket.writableLength;
  }
  get remoteIp(): string {
    return normalizeIp(this.socket?.remoteAddress);
  }
  get localIp(): string {
    return normalizeIp(this.socket?.localAddress);
  }
}

/** An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d; Redis prints a.b.c.d. */
function normalizeIp(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

interface Backoff {
  failures: number;
  notBeforeMs: number;
}

export class ClusterBus {
  readonly #options: ClusterBusOptions;
  readonly #servers: Server[] = [];
  readonly #links = new Map<string, Link>();
  /** "host:port" → failed connects in a row, for the reconnect backoff. */
  readonly #backoff = new Map<string, Backoff>();
  #nextInboundNumber = 1;
  #closed = false;
  /** Messages sent and received by type (CLUSTER INFO cluster_stats_messages_*). */
  readonly sentByType = new Array<number>(MESSAGE_TYPE_COUNT).fill(0);
  readonly receivedByType = new Array<number>(MESSAGE_TYPE_COUNT).fill(0);
  sentBytes = 0;
  receivedBytes = 0;
  /** Links closed for passing the send buffer limit (total_cluster_links_buffer_limit_exceeded). */
  linksOverSendLimit = 0;
  /** Bus port actually bound (0 asks the OS for one). */
  boundPort = 0;

  constructor(options: ClusterBusOptions) {
    this.#options = options;
  }

  set sendBufferBytesMax(bytes: number) {
    this.#options.sendBufferBytesMax = bytes;
  }

  get #sendLimit(): number {
    const limit = this.#options.sendBufferBytesMax ?? 0;
    return limit > 0 ? limit : SEND_BUFFER_BYTES_MAX_DEFAULT;
  }

  /** Listens on every host (the node's bind list), all on the same port. */
  async listen(hosts: readonly string[], port: number): Promise<void> {
    for (const host of hosts) {
      const server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port: this.boundPort || port }, () => {
          server.off('error', reject);
          server.on('error', (error) => this.#options.log('warning', `Cluster bus listener error: ${error.message}`));
          resolve();
        });
      });
      const address = server.address();
      if (typeof address === 'object' && address !== null) this.boundPort = address.port;
      this.#servers.push(server);
    }
  }

  /** Every link, connected or still connecting. */
  links(): BusLink[] {
    return [...this.#links.values()];
  }

  link(linkId: string): BusLink | undefined {
    return this.#links.get(linkId);
  }

  /**
   * Opens outbound link `linkId` to host:port; reports linkUp, or linkDown when it fails. The
   * dial waits for the address's backoff when earlier connects to it failed.
   */
  connect(linkId: string, host: string, port: number): void {
    if (this.#closed || this.#links.has(linkId)) return;
    const link = new Link(linkId, 'outbound', this.#options.nowMs(), this.#options.frameBytesMax);
    this.#links.set(linkId, link);
    const address = `${host}:${port}`;
    const waitMs = Math.max(0, (this.#backoff.get(address)?.notBeforeMs ?? 0) - this.#options.nowMs());
    if (waitMs === 0) this.#dial(link, host, port);
    else link.timer = setTimeout(() => this.#dial(link, host, port), waitMs);
  }

  /** Closes a link (or aborts its connect) at the state machine's request: no linkDown follows. */
  closeLink(linkId: string): void {
    const link = this.#links.get(linkId);
    if (link !== undefined) this.#close(link, null);
  }

  /** False when the link is gone or not connected yet (the frame is dropped, as Redis does). */
  send(linkId: string, frame: Buffer): boolean {
    const link = this.#links.get(linkId);
    if (link === undefined || !link.connected || link.socket === null) return false;
    const socket = link.socket;
    if (socket.writableLength + frame.length > this.#sendLimit) {
      this.#options.log(
        'warning',
        `Freeing cluster link ${link.id} (${link.remoteIp}): its send buffer (${socket.writableLength} bytes) would pass the ${this.#sendLimit}-byte limit`,
      );
      this.linksOverSendLimit++;
      this.#close(link, 'send buffer limit');
      return false;
    }
    socket.write(frame);
    this.sentBytes += frame.length;
    const type = frame.readUInt16BE(HEADER.type.offset);
    if (type < MESSAGE_TYPE_COUNT) this.sentByType[type] = (this.sentByType[type] ?? 0) + 1;
    if (socket.writableLength > link.sendBufferPeakBytes) link.sendBufferPeakBytes = socket.writableLength;
    return true;
  }

  /** Stops listening and closes every link; no events follow. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const link of [...this.#links.values()]) this.#close(link, null);
    await Promise.all(this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.#servers.length = 0;
  }

  // ---- internals ---------------------------------------------------------------------------

  #accept(socket: Socket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const link = new Link(`in:${this.#nextInboundNumber++}`, 'inbound', this.#options.nowMs(), this.#options.frameBytesMax);
    this.#links.set(link.id, link);
    this.#attach(link, socket);
    link.connected = true;
    this.#options.log('verbose', `Accepting cluster node connection from ${link.remoteIp}:${socket.remotePort}`);
    this.#options.events.inboundAccepted(link);
  }

  #dial(link: Link, host: string, port: number): void {
    link.timer = null;
    if (link.closed) return;
    const address = `${host}:${port}`;
    link.address = address;
    const socket = netConnect({ host, port, noDelay: true });
    this.#attach(link, socket);
    const timeoutMs = this.#options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    link.timer = setTimeout(() => this.#failConnect(link, `connect to ${address} timed out`), timeoutMs);
    socket.once('connect', () => {
      if (link.closed) return;
      if (link.timer !== null) clearTimeout(link.timer);
      link.timer = null;
      link.connected = true;
      this.#backoff.delete(address);
      this.#options.events.linkUp(link);
    });
  }

  #failConnect(link: Link, reason: string): void {
    if (link.closed) return;
    const address = link.address;
    const known = this.#backoff.get(address);
    const failures = (known?.failures ?? 0) + 1;
    const min = this.#options.reconnectDelayMsMin ?? RECONNECT_DELAY_MS_MIN;
    const max = this.#options.reconnectDelayMsMax ?? RECONNECT_DELAY_MS_MAX;
    const delayMs = Math.min(max, min * 2 ** Math.min(failures - 1, 16));
    this.#backoff.delete(address);
    if (this.#backoff.size >= BACKOFF_ADDRESSES_MAX) this.#backoff.delete(this.#backoff.keys().next().value as string);
    this.#backoff.set(address, { failures, notBeforeMs: this.#options.nowMs() + delayMs });
    this.#close(link, `connect failed: ${reason}`);
  }

  #attach(link: Link, socket: Socket): void {
    link.socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(link, chunk));
    socket.on('error', (error) => {
      if (link.direction === 'outbound' && !link.connected) this.#failConnect(link, error.message);
      else this.#close(link, error.message);
    });
    socket.on('close', () => {
      if (link.direction === 'outbound' && !link.connected) this.#failConnect(link, 'connection closed');
      else this.#close(link, 'connection closed');
    });
  }

  #onData(link: Link, chunk: Buffer): void {
    if (link.closed) return;
    this.receivedBytes += chunk.length;
    link.reader.push(chunk);
    // Bounded: each pass consumes one whole frame (at least a header) of what was pushed.
    for (;;) {
      const result = link.reader.next();
      if (result.kind === 'need-more') return;
      if (result.kind === 'error') {
        this.#options.log('warning', `Closing cluster bus link ${link.id} (${link.remoteIp}): ${result.error.detail}`);
        this.#close(link, result.error.detail);
        return;
      }
      const decoded = decodeMessage(result.frame);
      if (!decoded.ok) {
        this.#options.log('warning', `Dropping a cluster bus frame from link ${link.id} (${link.remoteIp}): ${decoded.error.detail}`);
        continue;
      }
      const type = decoded.message.header.type;
      if (type < MESSAGE_TYPE_COUNT) this.receivedByType[type] = (this.receivedByType[type] ?? 0) + 1;
      this.#options.events.message(link, decoded.message);
      if (link.closed) return;
    }
  }

  /** reason null: closed on request, nobody is told. */
  #close(link: Link, reason: string | null): void {
    if (link.closed) return;
    link.closed = true;
    link.connected = false;
    if (link.timer !== null) clearTimeout(link.timer);
    link.timer = null;
    this.#links.delete(link.id);
    link.socket?.destroy();
    if (reason !== null && !this.#closed) this.#options.events.linkDown(link, reason);
  }
}
