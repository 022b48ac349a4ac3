import type { ClientState } from './client-state.js';
import type { ClusterFacade } from './cluster/cluster-facade.js';
import type { CommandSpec } from './spec.js';

/**
 * The server as command handlers see it. Defined here (commands/ sits below server/) and
 * implemented by src/server; handlers never import server code.
 */
export interface ServerFacade {
  readonly config: ConfigFacade;
  readonly stats: ServerStats;
  readonly commands: CommandRegistry;
  readonly clients: ClientsFacade;
  readonly transactions: TransactionsFacade;
  readonly pubsub: PubSubFacade;
  /** What EVAL needs from the node: run commands for a script, log (src/scripting). */
  readonly scripting: ScriptingFacade;
  /** 40 hex chars, new at each start (INFO run_id). */
  readonly runId: string;
  readonly startedAtMs: number;
  /** INFO text for the given sections (lowercase; empty = default sections). */
  renderInfo(sections: readonly string[]): string;
  /** SHUTDOWN: throws ReplyError when refused; otherwise the process exits after replies flush. */
  shutdown(options: ShutdownOptions): void;
  readonly slowlog: SlowlogFacade;
  /** Unix seconds of the last successful save (LASTSAVE); the start time before any. */
  lastSaveUnixSeconds(): number;
  /** SAVE, BGSAVE, DEBUG RELOAD (src/persistence/rdb-persistence.ts). */
  readonly persistence: PersistenceFacade;
  /** Blocks the event loop (DEBUG SLEEP): the node really does nothing for that long. */
  sleepBlocking(durationMs: number): void;
  /** DEBUG SET-ACTIVE-EXPIRE. */
  setActiveExpireEnabled(enabled: boolean): void;
  /** Wall-clock time in microseconds (TIME). */
  nowUs(): number;
  /** The cluster node (CLUSTER commands, PUBLISH on the bus); undefined on a standalone node. */
  readonly cluster?: ClusterFacade | undefined;
  /** The node's memory figures (INFO memory, MEMORY STATS/DOCTOR): docs/memory-accounting.md. */
  memory(): MemorySnapshot;
  /** The append-only file (BGREWRITEAOF): src/persistence/aof. */
  readonly aof: AofFacade;
}

export interface AofFacade {
  /** BGREWRITEAOF: 'started' or 'scheduled'; throws Error with Redis's message when refused. */
  backgroundRewrite(inTransaction: boolean): 'started' | 'scheduled';
}

/** RDB persistence as handlers see it; errors are thrown as Error with Redis's reply text. */
export interface PersistenceFacade {
  readonly bgsaveInProgress: boolean;
  /** SAVE: true when the file was written (failures are logged). */
  saveNow(): boolean;
  /** BGSAVE [SCHEDULE]; inside MULTI it is scheduled, as Redis does. */
  bgsave(schedule: boolean, inTransaction: boolean): 'started' | 'scheduled';
  debugReload(options: { noSave: boolean; noFlush: boolean; merge: boolean }): void;
  /**
   * After FLUSHALL (Redis's flushAllDataAndResetRDB): a running BGSAVE is stopped and, with save
   * points, the empty dataset is saved at once. True when it saved.
   */
  flushedAll(): boolean;
}

export interface MemorySnapshot {
  /** V8 heap in use plus memory outside the heap (Buffers): INFO used_memory. */
  usedBytes: number;
  peakBytes: number;
  /** usedBytes right after start, before any client (INFO used_memory_startup). */
  startupBytes: number;
  rssBytes: number;
}

export interface ShutdownOptions {
  save?: boolean;
  noSave?: boolean;
  now?: boolean;
  force?: boolean;
  abort?: boolean;
}

/** Redis's configuration table: CONFIG GET/SET/REWRITE/RESETSTAT go through here. */
export interface ConfigFacade {
  /** Parameters matching any of the glob patterns, with their current values (CONFIG GET). */
  get(patterns: readonly string[]): Array<[string, string]>;
  /** Sets all or none; throws ReplyError with Redis's message. */
  set(pairs: ReadonlyArray<readonly [string, string]>, options?: ConfigSetOptions): void;
  /** Writes the config file back (CONFIG REWRITE); throws ReplyError when impossible. */
  rewrite(): void;
  /** The current value of one directive, as CONFIG GET prints it. */
  value(name: string): string;
  /**
   * A numeric directive as a number (encoding thresholds such as hash-max-listpack-entries),
   * cached until CONFIG SET changes it: cheap enough for a write path.
   */
  number(name: string): number;
  /** Bumped by every change: a hot path caches what it derives until this moves. */
  readonly generation: number;
}

export interface ConfigSetOptions {
  /** The client is on loopback or a unix socket (enable-protected-configs local). */
  localClient?: boolean;
}

/**
 * The command table as handlers see it (COMMAND, INFO commandstats, CONFIG RESETSTAT): specs,
 * subcommands and counters, without the handlers (only dispatch calls those).
 */
export interface CommandRegistry {
  lookup(name: string): CommandView | undefined;
  all(): IterableIterator<CommandView>;
  readonly size: number;
}

export interface CommandView {
  readonly spec: CommandSpec;
  readonly subcommands: ReadonlyMap<string, CommandView> | undefined;
  readonly parent: CommandView | undefined;
  readonly stats: CommandStats;
}

/** Per-command counters (INFO commandstats). */
export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** Counters for INFO stats; the server owns the object and handlers read it. */
export interface ServerStats {
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  rejectedConnections: number;
  totalNetInputBytes: number;
  totalNetOutputBytes: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalErrorReplies: number;
  /** INFO errorstats: error code (first word, e.g. ERR, WRONGTYPE) → count. */
  errorCounts: Map<string, number>;
  /** CONFIG RESETSTAT. */
  reset(): void;
}

export interface ClientsFacade {
  /** Every connected client (CLIENT LIST). */
  list(): readonly ClientState[];
  byId(id: number): ClientState | undefined;
  /** CLIENT LIST / CLIENT INFO line for one client, in Redis's format. */
  describe(client: ClientState): string;
  /** Closes a client after its pending replies (CLIENT KILL). */
  kill(client: ClientState): void;
  /** CLIENT PAUSE: 'write' pauses only write commands. */
  pause(untilMs: number, mode: 'all' | 'write'): void;
  unpause(): void;
  /** CLIENT UNBLOCK: ends a blocked client's wait; false when it was not blocked. */
  unblock(id: number, how: 'timeout' | 'error'): boolean;
  /** True once the client ran MONITOR. */
  isMonitor(client: ClientState): boolean;
}

export interface SlowlogEntry {
  id: number;
  timestampUnixSeconds: number;
  durationUs: number;
  argv: string[];
  clientAddress: string;
  clientName: string;
}

export interface SlowlogFacade {
  entries(count: number): readonly SlowlogEntry[];
  readonly length: number;
  reset(): void;
}

/** MULTI/WATCH state of clients (the dispatcher queues commands and runs EXEC). */
export interface TransactionsFacade {
  inTransaction(client: ClientState): boolean;
  /** MULTI: false when already in one. */
  begin(client: ClientState): boolean;
  /** DISCARD: false when not in one. Also forgets WATCHed keys. */
  discard(client: ClientState): boolean;
  /** WATCH keys in the client's database. */
  watch(client: ClientState, keys: readonly string[]): void;
  unwatch(client: ClientState): void;
}

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/** Pub/sub subscriptions and delivery (src/server/pubsub.ts). */
export interface PubSubFacade {
  add(client: ClientState, kind: SubscriptionKind, name: string): boolean;
  remove(client: ClientState, kind: SubscriptionKind, name: string): boolean;
  /** The client's subscriptions of one kind, in the order made. */
  names(client: ClientState, kind: SubscriptionKind): string[];
  /** The count subscription replies carry: channels + patterns, or shard channels. */
  count(client: ClientState, kind: SubscriptionKind): number;
  isSubscribed(client: ClientState): boolean;
  removeAll(client: ClientState): void;
  /** Delivers to subscribers and matching patterns; returns how many received it. */
  publish(channel: string, message: string): number;
  publishShard(channel: string, message: string): number;
  activeChannels(kind: 'channel' | 'shard', pattern: string | undefined): string[];
  subscribersOf(kind: 'channel' | 'shard', channel: string): number;
  readonly patternCount: number;
}

/** A script's stand-in client: runs redis.call commands through dispatch (src/server/dispatch.ts). */
export interface ScriptCaller {
  /** RESP protocol of the replies (redis.setresp). */
  protocol: 2 | 3;
  /** Write (and may-replicate) commands fail: EVAL_RO, FCALL_RO, the no-writes flag. */
  readOnly: boolean;
  /** The allow-oom flag: denyoom commands run even when used memory > maxmemory. */
  allowOom: boolean;
  /**
   * Cluster mode: commands may use keys of several (local) slots. False for scripts with
   * flags but not allow-cross-slot-keys: Redis's scriptVerifyClusterState then holds them to
   * one slot, the first one declared or used.
   */
  allowCrossSlot: boolean;
  /** True once a write command ran (SCRIPT KILL then answers UNKILLABLE). */
  readonly wroteData: boolean;
  /** The reply bytes, or an error text when Redis's script checks refuse the command. */
  run(argv: string[]): Buffer | string;
  /** The run ended (or was dropped): blocked clients woken by its writes are served now. */
  finish?(): void;
}

/**
 * A script that ran past busy-reply-threshold and yielded (src/scripting/engine.ts): the node
 * runs it on in slices (step) from the event loop; SCRIPT KILL / FUNCTION KILL mark it (kill).
 */
export interface SuspendedScript {
  readonly isEval: boolean;
  /** The sha (EVAL) or function name, as FUNCTION STATS and the slow-script log print it. */
  readonly name: string;
  readonly startedAtMs: number;
  /** It already ran a write command: SCRIPT KILL answers UNKILLABLE. */
  readonly wroteData: boolean;
  /**
   * Runs one more slice: true once the script ended and its reply is written (a script error
   * is thrown as a ReplyError), false when it yielded again.
   */
  step(): boolean;
  /** The script fails with Redis's "Script killed by user" error at its next hook. */
  kill(): void;
  /** The node stops: the script is dropped, nothing is replied. */
  abandon(): void;
}

/** The script the node is busy with (FUNCTION STATS, SCRIPT KILL). */
export interface BusyScriptView {
  readonly script: SuspendedScript;
  /** The command that runs it (FUNCTION STATS prints it). */
  readonly argv: readonly string[];
}

export interface ScriptingFacade {
  /** A stand-in client for one script run by `client`. */
  openCaller(client: ClientState): ScriptCaller;
  /** redis.log: the server log. */
  log(level: 'debug' | 'verbose' | 'notice' | 'warning', message: string): void;
  /**
   * A script yielded past busy-reply-threshold: the node runs it on in slices from the event
   * loop, answers other clients BUSY, and writes its reply to `client` when it ends.
   */
  suspend(client: ClientState, script: SuspendedScript, argv: readonly string[]): void;
  /** The suspended script, if the node is busy with one. */
  busy(): BusyScriptView | undefined;
  /** busy-reply-threshold in ms. */
  busyThresholdMs(): number;
  /** Used memory is over maxmemory now (scripts without allow-oom refuse to start). */
  outOfMemory(): boolean;
  /** The -MISCONF error while persisting fails (RDB or AOF): scripts with write flags refuse to start. */
  diskWriteError(): string | undefined;
  clusterEnabled(): boolean;
}
