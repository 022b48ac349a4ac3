/**
 * The typed form of one cluster bus frame. Node ids, addresses and pub/sub payloads are latin1
 * strings (one char per byte, like the rest of Tessera); u64 fields are numbers (the decoder
 * rejects values above 2^53 - 1, which no real epoch or offset reaches).
 *
 * `totlen`, `count` and `extensions` are not stored: they follow from the body, and the encoder
 * computes them.
 */
export interface MessageHeader {
  /** CLUSTERMSG_TYPE_*; unknown types keep their number and a raw body. */
  readonly type: number;
  /** Client port (TLS port when TLS is on). */
  readonly port: number;
  /** Plaintext client port when `port` is TLS, else 0. */
  readonly pport: number;
  /** Cluster bus port. */
  readonly cport: number;
  readonly currentEpoch: number;
  /** The sender's configEpoch, or its master's when the sender is a replica. */
  readonly configEpoch: number;
  /** Master replication offset, or processed offset when the sender is a replica. */
  readonly replicationOffset: number;
  readonly senderId: string;
  /** The sender's slots, or its master's when the sender is a replica (2048 bytes). */
  readonly slotBitmap: Uint8Array;
  /** The sender's master, or null (all-zero field). */
  readonly masterId: string | null;
  /** cluster-announce-ip, or '' (all-zero field: receivers use the socket address). */
  readonly announcedIp: string;
  /** NodeFlag bits of the sender, as it sees itself (MYSELF included). */
  readonly nodeFlags: number;
  /** ClusterState.ok / ClusterState.fail from the sender's point of view. */
  readonly clusterState: number;
  /** mflags[0] | mflags[1] << 8 | mflags[2] << 16; MessageFlag bits live in mflags[0]. */
  readonly messageFlags: number;
}

export interface GossipEntry {
  readonly nodeId: string;
  /** Unix seconds (Redis sends ping_sent / 1000), 0 when no ping is in flight. */
  readonly pingSentAtSec: number;
  readonly pongReceivedAtSec: number;
  readonly ip: string;
  readonly port: number;
  readonly cport: number;
  readonly nodeFlags: number;
  readonly pport: number;
}

export type PingExtension =
  | { readonly kind: 'hostname'; readonly hostname: string }
  /** A type 7.0 does not know: kept as is so it can be skipped and re-encoded. */
  | { readonly kind: 'unknown'; readonly type: number; readonly payload: string };

export type MessageBody =
  /** PING, PONG, MEET. */
  | { readonly kind: 'ping'; readonly gossip: readonly GossipEntry[]; readonly extensions: readonly PingExtension[] }
  | { readonly kind: 'fail'; readonly failingNodeId: string }
  /** PUBLISH and PUBLISHSHARD. */
  | { readonly kind: 'publish'; readonly channel: string; readonly message: string }
  | {
      readonly kind: 'update';
      readonly configEpoch: number;
      readonly nodeId: string;
      readonly slotBitmap: Uint8Array;
    }
  /** module_id is copied in the sender's host order; read as little-endian it is the id. */
  | { readonly kind: 'module'; readonly moduleId: bigint; readonly moduleType: number; readonly payload: string }
  /** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: the header says it all. */
  | { readonly kind: 'empty' }
  /** A type 7.0 does not know: Redis assumes it is well formed and ignores the body. */
  | { readonly kind: 'unknown'; readonly bytes: string };

export interface ClusterMessage {
  readonly header: MessageHeader;
  readonly body: MessageBody;
}

/**
 * Why a frame could not be decoded. A bad frame from the network is an operating error: the
 * receiver drops it (Redis's clusterProcessPacket returns without touching the link) and logs
 * `detail`.
 */
export type DecodeErrorCode =
  | 'short-frame'
  | 'bad-signature'
  | 'length-mismatch'
  | 'bad-version'
  | 'body-length'
  | 'bad-extension'
  | 'unterminated-string'
  | 'u64-out-of-range';

export interface DecodeError {
  readonly code: DecodeErrorCode;
  readonly detail: string;
}

export type DecodeResult =
  | { readonly ok: true; readonly message: ClusterMessage }
  | { readonly ok: false; readonly error: DecodeError };
