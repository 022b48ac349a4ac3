/**
 * The cluster bus's sockets: a TCP server on the bus port and the links to peers, like Redis's
 * clusterLink (src/cluster.c). Each peer node has at most one outbound link (we connect, we send
 * our PINGs on it) and any number of inbound links (it connected to us; we answer on them). The
 * state machine names peers by node id; this layer knows sockets, frames and buffers only.
 *
 * - Framing: FrameReader. A bad signature or a totlen below the header closes the link (the
 *   stream is out of sync); a frame that does not decode (wrong length for its type, bad version)
 *   is dropped with a log line and the link stays, as clusterProcessPacket does.
 * - Outbound links are kept: after a close or a failed connect the link is retried with an
 *   exponential backoff until the state machine forgets the peer (`disconnect`).
 * - Send buffers are bounded: a link whose unsent bytes pass the limit is closed with a log line
 *   (Redis's cluster-link-sendbuf-limit; we always have a bound, the default is generous).
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { decodeMessage } from './codec.js';
import { HEADER, MESSAGE_TYPE_COUNT } from './constants.js';
import { FrameReader } from './frame-reader.js';
import type { ClusterMessage } from './message.js';

export type LinkDirection = 'outbound' | 'inbound';

/** What CLUSTER LINKS shows of one link, and what the runtime needs to answer on it. */
export interface BusLink {
  readonly id: number;
  readonly direction: LinkDirection;
  /** The peer's node id: set for outbound links, and for inbound ones once the runtime binds it. */
  nodeId: string | null;
  readonly createdAtMs: number;
  /** Unsent bytes queued on the socket. */
  readonly sendBufferBytes: number;
  /** Largest sendBufferBytes seen (CLUSTER LINKS send-buffer-allocated stand-in). */
  readonly sendBufferPeakBytes: number;
  readonly connected: boolean;
}

export interface BusEvents {
  /** An outbound link finished connecting (the runtime sends its PING or MEET now). */
  linkUp(link: BusLink): void;
  /** A link closed: by the peer, an error, a bad frame, the buffer limit, or a failed connect. */
  linkDown(link: BusLink, reason: string): void;
  /** A peer connected to our bus port. */
  inboundAccepted?(link: BusLink): void;
  /** A whole frame that decoded. */
  message(link: BusLink, message: ClusterMessage, frameBytes: number): void;
}

export interface ClusterBusOptions {
  readonly events: BusEvents;
  readonly log: (level: 'verbose' | 'notice' | 'warning', message: string) => void;
  readonly nowMs: () => number;
  /** Unsent bytes per link above which the link is closed. 0: SEND_BUFFER_BYTES_MAX_DEFAULT. */
  sendBufferBytesMax?: number;
  readonly reconnectDelayMsMin?: number;
  readonly reconnectDelayMsMax?: number;
  /** A connect that has not finished after this long fails (Redis: node timeout). */
  readonly connectTimeoutMs?: number;
  readonly frameBytesMax?: number;
}

/** When cluster-link-sendbuf-limit is 0 (unlimited in Redis) we still keep a bound. */
export const SEND_BUFFER_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;
export const RECONNECT_DELAY_MS_MIN = 100;
export const RECONNECT_DELAY_MS_MAX = 2000;
export const CONNECT_TIMEOUT_MS = 5000;

class Link implements BusLink {
  readonly reader: FrameReader;
  sendBufferPeakBytes = 0;
  connected = false;
  closed = false;

  constructor(
    readonly id: number,
    readonly direction: LinkDirection,
    public nodeId: string | null,
    readonly createdAtMs: number,
    readonly socket: Socket,
    frameBytesMax: number | undefined,
  ) {
    this.reader = new FrameReader(frameBytesMax === undefined ? {} : { frameBytesMax });
  }

  get sendBufferBytes(): number {
    return this.closed ? 0 : this.socket.writableLength;
  }
}

/** The outbound link we keep to one peer, and its reconnect schedule. */
interface Peer {
  nodeId: string;
  host: string;
  port: number;
  link: Link | null;
  retryTimer: NodeJS.Timeout | null;
  failures: number;
}

export class ClusterBus {
  readonly #options: ClusterBusOptions;
  readonly #servers: Server[] = [];
  readonly #peers = new Map<string, Peer>();
  readonly #links = new Map<number, Link>();
  #nextLinkId = 1;
  #closed = false;
  /** Messages sent and received by type (CLUSTER INFO cluster_stats_messages_*). */
  readonly sentByType = new Array<number>(MESSAGE_TYPE_COUNT).fill(0);
  readonly receivedByType = new Array<number>(MESSAGE_TYPE_COUNT).fill(0);
  /** Bytes sent on every link (INFO stat_cluster_... stand-in). */
  sentBytes = 0;
  receivedBytes = 0;
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

  /** Listens on every host (the node's bind list); all on the same port. */
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

  /** Every open link (outbound and inbound), for CLUSTER LINKS. */
  links(): BusLink[] {
    return [...this.#links.values()].filter((link) => !link.closed);
  }

  link(linkId: number): BusLink | undefined {
    return this.#links.get(linkId);
  }

  /** The live outbound link to a peer, if connected. */
  outboundLink(nodeId: string): BusLink | undefined {
    const link = this.#peers.get(nodeId)?.link;
    return link !== null && link !== undefined && link.connected ? link : undefined;
  }

  /** True while we keep (or retry) an outbound link to nodeId. */
  hasPeer(nodeId: string): boolean {
    return this.#peers.has(nodeId);
  }

  /**
   * Keeps an outbound link to nodeId at host:port. A peer already kept at the same address is
   * left alone; a new address replaces the link. Connects at once; reconnects with backoff.
   */
  connect(nodeId: string, host: string, port: number): void {
    if (this.#closed) return;
    const known = this.#peers.get(nodeId);
    if (known !== undefined) {
      if (known.host === host && known.port === port) return;
      this.disconnect(nodeId);
    }
    const peer: Peer = { nodeId, host, port, link: null, retryTimer: null, failures: 0 };
    this.#peers.set(nodeId, peer);
    this.#dial(peer);
  }

  /** A handshake node got its real id: its outbound link keeps going under the new name. */
  renamePeer(fromNodeId: string, toNodeId: string): void {
    const peer = this.#peers.get(fromNodeId);
    if (peer === undefined || fromNodeId === toNodeId) return;
    this.disconnect(toNodeId);
    this.#peers.delete(fromNodeId);
    peer.nodeId = toNodeId;
    this.#peers.set(toNodeId, peer);
    if (peer.link !== null) peer.link.nodeId = toNodeId;
    for (const link of this.#links.values()) if (link.direction === 'inbound' && link.nodeId === fromNodeId) link.nodeId = toNodeId;
  }

  /** Stops keeping a link to nodeId and closes its outbound and inbound links. */
  disconnect(nodeId: string): void {
    const peer = this.#peers.get(nodeId);
    if (peer !== undefined) {
      this.#peers.delete(nodeId);
      if (peer.retryTimer !== null) clearTimeout(peer.retryTimer);
      if (peer.link !== null) this.#close(peer.link, 'peer forgotten', false);
    }
    for (const link of [...this.#links.values()]) {
      if (link.direction === 'inbound' && link.nodeId === nodeId) this.#close(link, 'peer forgotten', false);
    }
  }

  /** Closes one link; an outbound one is dialled again after the backoff (Redis frees and reconnects). */
  closeLink(linkId: number, reason: string): void {
    const link = this.#links.get(linkId);
    if (link !== undefined) this.#close(link, reason, true);
  }

  /** Ties an inbound link to the node that spoke on it (setClusterNodeToInboundClusterLink). */
  bindInbound(linkId: number, nodeId: string): void {
    const link = this.#links.get(linkId);
    if (link === undefined || link.direction !== 'inbound' || link.nodeId === nodeId) return;
    // One inbound link per node: an older one from the same node is stale (Redis frees it).
    for (const other of [...this.#links.values()]) {
      if (other !== link && other.direction === 'inbound' && other.nodeId === nodeId) this.#close(other, 'replaced by a newer inbound link', false);
    }
    link.nodeId = nodeId;
  }

  /** Sends on the peer's outbound link; false when it is not connected (the frame is dropped). */
  sendToNode(nodeId: string, frame: Buffer): boolean {
    const link = this.#peers.get(nodeId)?.link;
    if (link === null || link === undefined || !link.connected) return false;
    return this.#write(link, frame);
  }

  /** Sends on one link (a PONG answers on the link the PING came in on). */
  sendOnLink(linkId: number, frame: Buffer): boolean {
    const link = this.#links.get(linkId);
    if (link === undefined || !link.connected) return false;
    return this.#write(link, frame);
  }

  /** Stops listening, stops every retry and closes every link. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const peer of this.#peers.values()) if (peer.retryTimer !== null) clearTimeout(peer.retryTimer);
    this.#peers.clear();
    for (const link of [...this.#links.values()]) this.#close(link, 'bus closed', false);
    await Promise.all(this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.#servers.length = 0;
  }

  // ---- internals ---------------------------------------------------------------------------

  #accept(socket: Socket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const link = this.#newLink('inbound', null, socket);
    link.connected = true;
    this.#options.log('verbose', `Accepting cluster node connection from ${socket.remoteAddress}:${socket.remotePort}`);
    this.#options.events.inboundAccepted?.(link);
  }

  #dial(peer: Peer): void {
    peer.retryTimer = null;
    const socket = netConnect({ host: peer.host, port: peer.port, noDelay: true });
    const link = this.#newLink('outbound', peer.nodeId, socket);
    peer.link = link;
    const timeoutMs = this.#options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const timer = setTimeout(() => this.#close(link, `connect to ${peer.host}:${peer.port} timed out`, true), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      if (link.closed) return;
      link.connected = true;
      peer.failures = 0;
      this.#options.events.linkUp(link);
    });
    socket.once('close', () => clearTimeout(timer));
  }

  #newLink(direction: LinkDirection, nodeId: string | null, socket: Socket): Link {
    const link = new Link(this.#nextLinkId++, direction, nodeId, this.#options.nowMs(), socket, this.#options.frameBytesMax);
    this.#links.set(link.id, link);
    socket.on('data', (chunk: Buffer) => this.#onData(link, chunk));
    socket.on('error', (error) => this.#close(link, error.message, true));
    socket.on('close', () => this.#close(link, 'connection closed', true));
    return link;
  }

  #onData(link: Link, chunk: Buffer): void {
    if (link.closed) return;
    this.receivedBytes += chunk.length;
    link.reader.push(chunk);
    // Bounded: each pass consumes one frame of at least the header's size from what was pushed.
    for (;;) {
      const result = link.reader.next();
      if (result.kind === 'need-more') return;
      if (result.kind === 'error') {
        this.#options.log('warning', `Closing cluster bus link ${this.#describe(link)}: ${result.error.detail}`);
        this.#close(link, result.error.detail, true);
        return;
      }
      const decoded = decodeMessage(result.frame);
      if (!decoded.ok) {
        this.#options.log('warning', `Dropping a cluster bus frame from ${this.#describe(link)}: ${decoded.error.detail}`);
        continue;
      }
      const type = decoded.message.header.type;
      if (type < MESSAGE_TYPE_COUNT) this.receivedByType[type] = (this.receivedByType[type] ?? 0) + 1;
      this.#options.events.message(link, decoded.message, result.frame.length);
      if (link.closed) return;
    }
  }

  #write(link: Link, frame: Buffer): boolean {
    if (link.socket.writableLength + frame.length > this.#sendLimit) {
      this.#options.log(
        'warning',
        `Freeing cluster link ${this.#describe(link)}: its send buffer (${link.socket.writableLength} bytes) would pass the ${this.#sendLimit}-byte limit`,
      );
      this.#close(link, 'send buffer limit', true);
      return false;
    }
    link.socket.write(frame);
    this.sentBytes += frame.length;
    const type = frame.readUInt16BE(HEADER.type.offset);
    if (type < MESSAGE_TYPE_COUNT) this.sentByType[type] = (this.sentByType[type] ?? 0) + 1;
    if (link.socket.writableLength > link.sendBufferPeakBytes) link.sendBufferPeakBytes = link.socket.writableLength;
    return true;
  }

  #close(link: Link, reason: string, retry: boolean): void {
    if (link.closed) return;
    link.closed = true;
    link.connected = false;
    this.#links.delete(link.id);
    link.socket.destroy();
    this.#options.events.linkDown(link, reason);
    if (link.direction !== 'outbound' || link.nodeId === null) return;
    const peer = this.#peers.get(link.nodeId);
    if (peer === undefined || peer.link !== link) return;
    peer.link = null;
    if (!retry || this.#closed) return;
    const min = this.#options.reconnectDelayMsMin ?? RECONNECT_DELAY_MS_MIN;
    const max = this.#options.reconnectDelayMsMax ?? RECONNECT_DELAY_MS_MAX;
    const delayMs = Math.min(max, min * 2 ** Math.min(peer.failures, 16));
    peer.failures++;
    peer.retryTimer = setTimeout(() => this.#dial(peer), delayMs);
    peer.retryTimer.unref();
  }

  #describe(link: Link): string {
    const who = link.nodeId ?? `${link.socket.remoteAddress}:${link.socket.remotePort}`;
    return `${link.direction} ${who}`;
  }
}
