/** How the calling client looks to a handler (its Session implements this). */
export interface ClientState {
  readonly id: number;
  name: string;
  dbIndex: number;
  protocol: 2 | 3;
  authenticated: boolean;
  user: string;
  /** CLIENT REPLY: 'skip' suppresses the next reply only. */
  replyMode: 'on' | 'off' | 'skip';
  noEvict: boolean;
  /** Set by QUIT (and RESET's cousins): close once the pending replies are written. */
  closeAfterReply: boolean;
  /** `ip:port` of the peer and of our side, as CLIENT LIST prints them. */
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly createdAtMs: number;
  lastInteractionMs: number;
  /** The last command's full name (CLIENT LIST cmd=). */
  lastCommand: string;
  /** Cluster mode: ASKING was sent (one command, or one transaction, may use an importing slot). */
  clusterAsking: boolean;
  /** Cluster mode: READONLY was sent (a replica serves reads of its master's slots). */
  clusterReadonly: boolean;
  /** Turns this client into a MONITOR. */
  startMonitor(): void;
}
