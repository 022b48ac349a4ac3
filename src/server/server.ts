import { randomBytes } from 'node:crypto';
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { allCommands } from '../commands/all-commands.js';
import type { ClientState } from '../commands/client-state.js';
import type { MemorySnapshot, PubSubFacade, ScriptingFacade, ServerFacade, ShutdownOptions, TransactionsFacade } from '../commands/server-facade.js';
import { CommandTable } from '../commands/table.js';
import { Keyspace } from '../keyspace/keyspace.js';
import type { Clock } from '../lib/clock.js';
import { Errors, ReplyError } from '../lib/errors.js';
import { SeededRandom, type Random } from '../lib/random.js';
import { seedKeyTables } from '../keyspace/key-hash.js';
import { IdleCollector } from './idle-gc.js';
import { snapshotRunning } from '../persistence/snapshot/snapshot.js';
import { systemClock } from '../lib/system-clock.js';
import { RequestParser } from '../resp/request-parser.js';
import { ClientRegistry } from './clients.js';
import { notifyEvent } from '../commands/notify.js';
import type { ConfigStore } from './config/config-store.js';
import type { BlockRequest } from '../commands/context.js';
import type { Command } from '../commands/table.js';
import { BlockingRegistry } from './blocking.js';
import { WatchRegistry } from './watch.js';
import { PubSubHub } from './pubsub.js';
import { outputLimitFor, overOutputLimit } from './output-limits.js';
import { call, dispatch, openScriptClient, type DispatchClient, type DispatchHost } from './dispatch.js';
import { renderInfo } from './info.js';
import type { LogLevel, Logger } from './log.js';
import { MemoryTracker } from './memory-tracker.js';
import { Evictor, type EvictionResult } from './eviction/evictor.js';
import { formatMonitorLine } from './monitor-format.js';
import { Session, type SessionHost } from './session.js';
import { BusyScriptRunner } from './busy-script.js';
import { Slowlog } from './slowlog.js';
import { AppendOnlyFile } from '../persistence/aof/append-only-file.js';
import type { FsyncPolicy } from '../persistence/aof/aof-writer.js';
import { PropagationQueue } from './propagation.js';
import type { FunctionLibraryStore } from '../persistence/rdb-persistence.js';
import { functionRegistryOf } from '../scripting/function-registry.js';
import { scriptingMemoryOf, type ScriptingMemory } from '../scripting/script-memory.js';
import { openLoadingClient } from './loading-client.js';
import { rdbBaseFormat } from '../persistence/aof/rdb-base-format.js';
import { redirectBlocked, type RoutingView } from '../cluster/routing.js';
import { step } from '../cluster/state/step.js';
import { ClusterNode } from './cluster/cluster-node.js';
import { METRIC_SAMPLE_PERIOD_MS, Stats } from './stats.js';
import { nativeClientIo } from './native-client-io.js';
import { RdbPersistence } from '../persistence/rdb-persistence.js';
import { REDIS_VERSION } from './config/config-file.js';

export interface ServerOptions {
  config: ConfigStore;
  logger: Logger;
  clock?: Clock;
  random?: Random;
  /** Called when SHUTDOWN or a signal ends the node (the CLI exits the process). */
  onShutdown?: () => void;
}

/**
 * Redis 7.0 also holds these under CLIENT PAUSE WRITE: their specs carry MAY_REPLICATE, a flag
 * COMMAND does not print (so it is not in generated/redis-commands.json).
 */
const MAY_REPLICATE_COMMANDS = new Set(['eval', 'evalsha', 'fcall', 'pfcount', 'publish', 'spublish']);

/** Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC: the share of a tick active expiry may use. */
const ACTIVE_EXPIRE_TIME_PERCENT = 25;

/** No sessions: #endTurn's held list on most turns. */
const NO_SESSIONS: readonly Session[] = [];

/**
 * One node: listeners, sessions, the keyspace and the tick. Implements the ServerFacade that
 * command handlers see and the hosts that sessions and dispatch need.
 */
export class TesseraServer implements ServerFacade, DispatchHost, SessionHost {
  readonly config: ConfigStore;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: Random;
  readonly keyspace: Keyspace;
  readonly commands: CommandTable;
  readonly stats = new Stats();
  readonly slowlog = new Slowlog();
  readonly clients: ClientRegistry;
  readonly runId = randomBytes(20).toString('hex');
  /** INFO master_replid until the replication issue owns it. */
  readonly replicationId = randomBytes(20).toString('hex');
  readonly memoryTracker = new MemoryTracker();
  /** maxmemory enforcement (docs/eviction.md). */
  readonly evictor: Evictor;
  #lastMetricSampleMs = 0;
  readonly startedAtMs: number;
  readonly facade: ServerFacade = this;
  /** Changes since the last save (INFO rdb_changes_since_last_save). */
  dirty = 0;
  /** The RDB file's lifecycle: SAVE, BGSAVE, save points, loading (src/persistence). */
  readonly persistence: RdbPersistence;
  #listeners: NetServer[] = [];
  #tickTimer: NodeJS.Timeout | undefined;
  #monitors = new Set<Session>();
  #activeExpireEnabled = true;
  #requirePass: string;
  #maxClients: number;
  #onShutdown: (() => void) | undefined;
  #shuttingDown = false;
  /** Ports actually bound (port 0 picks one). */
  boundPort = 0;

  constructor(options: ServerOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? new SeededRandom(randomBytes(4).readUInt32LE(0));
    this.#onShutdown = options.onShutdown;
    this.startedAtMs = this.clock.nowMs();
    this.clients = new ClientRegistry(() => this.clock.nowMs());
    this.clients.unblockHook = (session, how) => this.blocking.unblock(session, how);
    this.#pubsubLimit = outputLimitFor(this.config.value('client-output-buffer-limit'), 'pubsub');
    this.config.onChange('client-output-buffer-limit', (value) => (this.#pubsubLimit = outputLimitFor(value, 'pubsub')));
    // Tables created from here on hash with seeds no client can know (src/keyspace/key-hash.ts).
    seedKeyTables(randomBytes(4).readInt32LE(0));
    this.keyspace = new Keyspace({
      databaseCount: Number(this.config.value('databases')),
      random: this.random,
      // An expired key counts as modified for WATCH (Redis: signalModifiedKey on expiry).
      onExpired: (db, key) => {
        this.watches.touch(db.id, [key]);
        notifyEvent(this, db.id, 'x', 'expired', key);
        this.#propagateDeletion(db.id, key, 'lazyfree-lazy-expire');
      },
      onNewKey: (db, key) => notifyEvent(this, db.id, 'n', 'new', key),
    });
    this.#applyAccessMode();
    for (const name of ['maxmemory-policy', 'lfu-log-factor', 'lfu-decay-time']) this.config.onChange(name, () => this.#applyAccessMode());
    this.evictor = new Evictor({
      keyspace: this.keyspace,
      random: this.random,
      // An evicted key counts as modified for WATCH (Redis: signalModifiedKey on eviction).
      onEvicted: (db, key) => {
        this.watches.touch(db.id, [key]);
        notifyEvent(this, db.id, 'e', 'evicted', key);
        this.#propagateDeletion(db.id, key, 'lazyfree-lazy-eviction');
      },
    });
    // INFO used_memory and eviction share the live-bytes gauge (docs/memory-accounting.md).
    this.evictor.gauge.watchGc(true);
    this.memoryTracker.liveBytes = () => this.evictor.gauge.estimate(performance.now());
    this.#applyEviction();
    for (const name of ['maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'maxmemory-eviction-tenacity']) this.config.onChange(name, () => this.#applyEviction());
    this.commands = new CommandTable(allCommands);
    this.persistence = this.#createPersistence();
    this.config.onChange('save', (value) => this.persistence.applySavePoints(value));
    // CONFIG RESETSTAT clears INFO commandstats too (Redis's resetCommandTableStats).
    this.stats.onReset = () => {
      this.evictor.evictedKeys = 0;
      for (const command of this.commands.all()) {
        for (const entry of [command, ...(command.subcommands?.values() ?? [])]) {
          entry.stats.calls = entry.stats.usec = entry.stats.rejectedCalls = entry.stats.failedCalls = 0;
        }
      }
    };
    this.#requirePass = this.config.value('requirepass');
    this.#maxClients = Number(this.config.value('maxclients'));
    this.config.onChange('requirepass', (value) => (this.#requirePass = value));
    this.config.onChange('maxclients', (value) => (this.#maxClients = Number(value)));
    this.config.onChange('slowlog-log-slower-than', (value) => (this.slowlog.thresholdUs = Number(value)));
    this.config.onChange('slowlog-max-len', (value) => (this.slowlog.maxLength = Number(value)));
    this.config.onChange('hz', () => this.#scheduleTick());
    this.config.onChange('loglevel', (value) => (this.logger.level = value as LogLevel));
    this.config.onChange('proto-max-bulk-len', () => this.#applyParserLimits());
    this.config.onChange('client-query-buffer-limit', () => this.#applyParserLimits());
    this.slowlog.thresholdUs = Number(this.config.value('slowlog-log-slower-than'));
    this.slowlog.maxLength = Number(this.config.value('slowlog-max-len'));
    this.aof = new AppendOnlyFile({
      keyspace: this.keyspace,
      config: this.config,
      log: this.logger,
      nowMs: () => this.clock.nowMs(),
      executeLoaded: (argv) => this.#executeLoaded(argv),
      rdb: rdbBaseFormat({
        keyspace: this.keyspace,
        config: this.config,
        redisVersion: REDIS_VERSION,
        nowMs: () => this.clock.nowMs(),
        usedMemoryBytes: () => this.memoryTracker.snapshot().usedBytes,
        functions: this.#functionStore(),
      }),
      requestFlush: () => this.#scheduleTurnEnd(),
      bgsaveInProgress: () => this.persistence.bgsaveInProgress,
    });
    this.config.onChange('appendonly', (value) => this.#setAppendOnly(value === 'yes'));
    this.config.onChange('appendfsync', (value) => this.aof.setPolicy(value as FsyncPolicy));
    this.config.onChange('aof-timestamp-enabled', (value) => this.aof.setTimestamps(value === 'yes'));
  }

  // ---- propagation and the AOF (docs/aof.md) ---------------------------------------------

  /** The append-only file (appendonly yes). */
  readonly aof: AppendOnlyFile;
  /** What one top-level command propagates, sent at its end (wrapped in MULTI/EXEC if several). */
  readonly propagation = new PropagationQueue();
  /** Sessions whose replies wait for this turn's AOF write (and fsync with appendfsync always). */
  readonly #heldSessions = new Set<Session>();
  #turnEndScheduled = false;
  #executeLoadedCommand: ((argv: string[]) => boolean) | undefined;

  /**
   * Expired or evicted keys (and keys of lost cluster slots) reach the AOF and replicas as DEL
   * (UNLINK with lazyfree), as in Redis 7.0 (7.2 for lost slots).
   */
  #propagateDeletion(dbIndex: number, key: string, lazyDirective: string): void {
    if (this.propagation.sink === undefined) return;
    this.propagation.push(dbIndex, [this.config.value(lazyDirective) === 'yes' ? 'UNLINK' : 'DEL', key]);
  }

  #updatePropagationSink(): void {
    this.propagation.sink = this.aof.enabled ? (dbIndex, argv) => this.aof.feed(dbIndex, argv) : undefined;
  }

  #setAppendOnly(enabled: boolean): void {
    if (enabled) {
      try {
        this.aof.enable();
      } catch {
        throw new ReplyError("ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.");
      }
    } else {
      this.aof.disable();
    }
    this.#updatePropagationSink();
  }

  /** A command replayed from the AOF at start, as the AOF client (src/server/loading-client.ts). */
  #executeLoaded(argv: string[]): boolean {
    this.#executeLoadedCommand ??= openLoadingClient(this);
    return this.#executeLoadedCommand(argv);
  }

  /** Loads the AOF at start and opens it for appending; throws AofFatalError on bad files. */
  async #openAof(): Promise<boolean> {
    this.beginBatch();
    await this.aof.openOnStart();
    this.#executeLoadedCommand = undefined;
    // Replaying is not serving: INFO commandstats, totals and the slowlog start empty, as in Redis.
    this.stats.reset();
    this.slowlog.reset();
    this.dirty = 0;
    this.#updatePropagationSink();
    return true;
  }

  /** Work for the end of this turn: the AOF write, then the turn's replies. */
  #scheduleTurnEnd(): void {
    if (this.#turnEndScheduled) return;
    this.#turnEndScheduled = true;
    // Within a native read batch, at its end (every ready client read: Redis's beforeSleep).
    if (nativeClientIo?.runAtBatchEnd(this.#endTurnNow) !== true) setImmediate(this.#endTurnNow);
  }

  /** #endTurn as one function made once (scheduled on every turn with replies). */
  readonly #endTurnNow = (): void => this.#endTurn();

  /**
   * Redis's beforeSleep: the AOF write (and fsync with always), then the replies of this turn
   * (deferFlush) and those that waited for the write (holdReply).
   */
  #endTurn(): void {
    this.#turnEndScheduled = false;
    this.aof.flush();
    const deferred = this.#deferredFlushes;
    if (deferred.length === 0 && this.#heldSessions.size === 0 && this.#pendingFlush.length === 0) return;
    this.#deferredFlushes = [];
    // Copied only when there are any (appendfsync always): spreading an empty Set costs too.
    const held: readonly Session[] = this.#heldSessions.size === 0 ? NO_SESSIONS : [...this.#heldSessions];
    this.#heldSessions.clear();
    // The write was made, or failed and stays buffered for a retry: the replies go out either
    // way (Redis's beforeSleep too), so they are not held again.
    this.#releasingHeldReplies = true;
    try {
      for (const session of deferred) {
        session.flushDeferred = false;
        session.flush();
      }
      for (const session of held) session.flush();
      // Subscribers last: see pubsubHub.
      if (this.#pendingFlush.length > 0) this.#flushReceivers();
    } finally {
      this.#releasingHeldReplies = false;
    }
  }

  /** A full GC when the node goes idle after its heap grew (src/server/idle-gc.ts). */
  readonly idleCollector = new IdleCollector();

  /** Sessions whose replies are written at the end of this turn (deferFlush). */
  #deferredFlushes: Session[] = [];

  /**
   * The session's replies are written at the end of this turn (#endTurn), after every socket
   * that was ready has been read: clients are woken in one burst rather than one by one between
   * our reads (on a loaded 2-core VM a wake-up per write cost ~15% of the node's CPU), as
   * Redis's beforeSleep does.
   */
  deferFlush(session: Session): void {
    this.#deferredFlushes.push(session);
    this.#scheduleTurnEnd();
  }

  #releasingHeldReplies = false;

  holdReply(session: Session): boolean {
    if (this.#releasingHeldReplies || !this.aof.mustFlushBeforeReplies) return false;
    this.#heldSessions.add(session);
    this.#scheduleTurnEnd();
    return true;
  }

  #createPersistence(): RdbPersistence {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host reads and writes the node's dirty counter
    const server = this;
    return new RdbPersistence({
      keyspace: this.keyspace,
      configValue: (name) => this.config.value(name),
      get dirty() {
        return server.dirty;
      },
      set dirty(value: number) {
        server.dirty = value;
      },
      nowMs: () => this.clock.nowMs(),
      usedMemoryBytes: () => this.memoryTracker.snapshot().usedBytes,
      log: (level, message) => this.logger.log(level, message),
      redisVersion: REDIS_VERSION,
      functions: this.#functionStore(),
    });
  }

  /**
   * Loads dir/dbfilename if present, in slices while the node answers -LOADING (Redis loads
   * right after binding its listeners). Rejects with a message when the file cannot be loaded.
   */
  async loadDataFromDisk(): Promise<boolean> {
    this.keyspace.nowMs = this.clock.nowMs();
    this.aof.loadManifest();
    // With appendonly yes the AOF is the dataset, as in Redis (the RDB file is not read).
    if (this.config.value('appendonly') === 'yes') return this.#openAof();
    return this.persistence.loadAtStart();
  }

  get loading(): boolean {
    return this.persistence.loading || this.aof.loading;
  }

  get writesRefusedOnDiskError(): string | undefined {
    // Redis checks the RDB condition first (writeCommandsDeniedByDiskError).
    return this.persistence.writesRefused ? Errors.misconfRdb : this.aof.writeRefusal;
  }

  /** maxmemory and its companions, read into the evictor (src/server/eviction). */
  #applyEviction(): void {
    const read = (name: string) => this.config.get([name])[0]?.[1];
    this.evictor.setMaxmemory(Number(read('maxmemory') ?? 0));
    this.evictor.setPolicy(read('maxmemory-policy') ?? 'noeviction');
    this.evictor.samples = Number(read('maxmemory-samples') ?? 5);
    this.evictor.setTenacity(Number(read('maxmemory-eviction-tenacity') ?? 10));
  }

  /** LRU or LFU access stamps, from maxmemory-policy (read with get(): the directive may be absent). */
  #applyAccessMode(): void {
    const read = (name: string) => this.config.get([name])[0]?.[1];
    this.keyspace.accessMode = read('maxmemory-policy')?.endsWith('-lfu') ? 'lfu' : 'lru';
    this.keyspace.lfuLogFactor = Number(read('lfu-log-factor') ?? 10);
    this.keyspace.lfuDecayTimeMinutes = Number(read('lfu-decay-time') ?? 1);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Binds every address in `bind` (and `unixsocket`), then starts the tick. */
  async listen(): Promise<void> {
    const port = Number(this.config.value('port'));
    const backlog = Number(this.config.value('tcp-backlog'));
    const addresses = this.config.value('bind').split(/\s+/).filter((a) => a !== '');
    for (const entry of addresses) {
      const optional = entry.startsWith('-');
      const address = optional ? entry.slice(1) : entry;
      const host = address === '*' ? '0.0.0.0' : address === '::*' ? '::' : address;
      try {
        const listener = await this.#listenTcp(host, this.boundPort || port, backlog, host === '::');
        this.#listeners.push(listener);
        const bound = listener.address();
        if (typeof bound === 'object' && bound !== null) this.boundPort = bound.port;
      } catch (error) {
        if (!optional) throw error;
        this.logger.warning(`Warning: Could not create server TCP listening socket ${address}:${port}: ${(error as Error).message}`);
      }
    }
    const unixSocket = this.config.value('unixsocket');
    if (unixSocket !== '') {
      try {
        unlinkSync(unixSocket);
      } catch {
        // no stale socket file
      }
      const listener = await new Promise<NetServer>((resolve, reject) => {
        const server = createServer({ pauseOnConnect: true }, (socket) => this.#accept(socket));
        server.once('error', reject);
        server.listen(unixSocket, () => resolve(server));
      });
      const perm = parseInt(this.config.value('unixsocketperm'), 8);
      if (perm !== 0) chmodSync(unixSocket, perm);
      this.#listeners.push(listener);
    }
    if (this.config.value('cluster-enabled') === 'yes') await this.#startCluster();
    this.#scheduleTick();
  }

  /** Cluster mode: nodes.conf, the bus and the routing view (src/server/cluster/cluster-node.ts). */
  async #startCluster(): Promise<void> {
    const node = new ClusterNode({
      step,
      host: {
        config: this.config,
        logger: this.logger,
        clock: this.clock,
        random: this.random,
        keyspace: this.keyspace,
        boundPort: this.boundPort,
        deliverPublish: (channel, message, shard) => {
          if (shard) this.pubsubHub.publishShard(channel, message);
          else this.pubsubHub.publish(channel, message);
        },
        routingChanged: () => this.routingChanged(),
        keysRemoved: (dbIndex, keys) => this.keysWritten(dbIndex, keys),
        propagateDeletion: (dbIndex, key) => {
          this.dirty++;
          this.#propagateDeletion(dbIndex, key, 'lazyfree-lazy-server-del');
        },
      },
    });
    try {
      await node.start();
    } catch (error) {
      await node.stop();
      await this.close();
      throw error;
    }
    this.cluster = node;
    this.setRoutingView(node);
  }

  /** The cluster node in cluster mode (CLUSTER commands, bus PUBLISH); undefined when standalone. */
  cluster: ClusterNode | undefined = undefined;

  #listenTcp(host: string, port: number, backlog: number, ipv6Only: boolean): Promise<NetServer> {
    return new Promise((resolve, reject) => {
      // Paused: the session installs its reader (src/server/shared-read-buffer.ts) before reads start.
      const server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.#accept(socket));
      server.once('error', reject);
      server.listen({ host, port, backlog, ipv6Only }, () => {
        server.off('error', reject);
        server.on('error', (error) => this.logger.warning(`Listener error: ${error.message}`));
        resolve(server);
      });
    });
  }

  #accept(socket: Socket): void {
    this.stats.totalConnectionsReceived++;
    if (this.clients.count >= this.#maxClients) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      socket.resume(); // accepted paused: read (and drop) until the peer closes
      return;
    }
    if (this.#deniedByProtectedMode(socket)) {
      this.stats.rejectedConnections++;
      socket.end(`-${PROTECTED_MODE_MESSAGE}\r\n`);
      socket.resume();
      return;
    }
    const keepAliveSec = Number(this.config.value('tcp-keepalive'));
    if (keepAliveSec > 0 && socket.remoteAddress !== undefined) socket.setKeepAlive(true, keepAliveSec * 1000);
    const parser = new RequestParser(this.#parserLimits());
    const session = new Session(this, socket, this.clients.nextId(), this.#requirePass === '', parser);
    this.clients.add(session);
  }

  /** protected-mode: no password and no explicit bind → only loopback clients. */
  #deniedByProtectedMode(socket: Socket): boolean {
    if (this.config.value('protected-mode') !== 'yes' || this.#requirePass !== '') return false;
    if (this.config.value('bind') !== '* -::*') return false;
    const remote = socket.remoteAddress;
    if (remote === undefined) return false;
    return !(remote === '::1' || remote.startsWith('127.') || remote.startsWith('::ffff:127.'));
  }

  #parserLimits() {
    return {
      maxBulkLenBytes: Number(this.config.value('proto-max-bulk-len')),
      maxQueryBufferBytes: Number(this.config.value('client-query-buffer-limit')),
    };
  }

  #applyParserLimits(): void {
    const limits = this.#parserLimits();
    for (const session of this.clients.sessions()) session.parser.setLimits(limits);
  }

  #scheduleTick(): void {
    if (this.#tickTimer) clearInterval(this.#tickTimer);
    const hz = Math.min(500, Math.max(1, Number(this.config.value('hz'))));
    this.#tickTimer = setInterval(() => this.tick(), Math.floor(1000 / hz));
    this.#tickTimer.unref();
  }

  /** The node's periodic work: active expiry, pause ends, idle clients. */
  tick(): void {
    const nowMs = this.clock.nowMs();
    this.keyspace.nowMs = nowMs;
    // A suspended script must see the data as it left it: no expiry or eviction meanwhile.
    const scriptBusy = this.busyScripts.current !== undefined;
    // No active expiry while loading: Redis runs no serverCron then (it only serves events).
    if (this.#activeExpireEnabled && !scriptBusy && !this.loading) {
      const hz = Math.max(1, Number(this.config.value('hz')));
      const budgetMs = ((1000 / hz) * ACTIVE_EXPIRE_TIME_PERCENT) / 100;
      const started = performance.now();
      const shouldStop = () => performance.now() - started > budgetMs;
      for (const db of this.keyspace.databases) {
        if (db.expiresCount > 0) db.activeExpire(shouldStop);
        if (shouldStop()) break;
      }
    }
    this.persistence.tick(nowMs);
    // A command ran out of eviction time with memory still high: go on (Redis's evictionTimeProc).
    if (this.evictor.pending && !scriptBusy) this.evictor.performEvictions();
    this.aof.tick();
    // Loading and snapshots are work too: a collection then would only slow them down.
    this.idleCollector.tick(nowMs, this.stats.totalCommandsProcessed, this.loading || snapshotRunning(this.keyspace));
    // 10% slack: an interval timer firing a little early must not skip every other sample.
    if (nowMs - this.#lastMetricSampleMs >= METRIC_SAMPLE_PERIOD_MS * 0.9) {
      this.#lastMetricSampleMs = nowMs;
      this.stats.sampleRates(nowMs);
      this.evictor.gauge.refreshKeyEstimate();
      this.memoryTracker.samplePeak();
    }
    if (this.clients.pausing && this.clients.activePause(nowMs) === undefined) this.clients.resumePaused();
    // Like Redis's clientsCron: blocked clients whose slot moved away are redirected even if
    // the cluster runtime did not call routingChanged() (a safety net; it normally does).
    if (this.routing !== undefined && this.blocking.size > 0) this.routingChanged();
    const timeoutSec = Number(this.config.value('timeout'));
    if (timeoutSec > 0) {
      for (const session of this.clients.sessions()) {
        if (!session.monitor && nowMs - session.lastInteractionMs > timeoutSec * 1000) {
          this.logger.verbose('Closing idle client');
          session.close();
        }
      }
    }
  }

  /** Stops listening and closes every client. */
  async close(): Promise<void> {
    this.persistence.killBackgroundSave();
    if (this.#tickTimer) clearInterval(this.#tickTimer);
    this.#tickTimer = undefined;
    this.evictor.gauge.watchGc(false);
    // Replies still held for the AOF go out after their write, then the file is closed.
    this.#endTurn();
    this.busyScripts.abandon();
    for (const session of [...this.clients.sessions()]) session.close();
    this.aof.close();
    this.#updatePropagationSink();
    await this.cluster?.stop();
    await Promise.all(this.#listeners.map((listener) => new Promise<void>((resolve) => listener.close(() => resolve()))));
    this.#listeners = [];
  }

  /** The function registry as persistence sees it (looked up when used: it is created lazily). */
  #functionStore(): FunctionLibraryStore {
    return {
      libraryCodes: () => functionRegistryOf(this).libraryCodes(),
      loadLibrary: (code, options) => functionRegistryOf(this).loadLibrary(code, options),
    };
  }

  // ---- SessionHost -----------------------------------------------------------------------

  execute(session: Session, argv: string[]): void {
    this.propagation.enter();
    // Blocked clients are served after the whole command (Redis's handleClientsBlockedOnKeys
    // after call()): a script's writes wake them once it ended, and each woken client's command
    // propagates after the one that woke it.
    const deferWakeups = this.blocking.size > 0;
    if (deferWakeups) this.deferWakeups(true);
    try {
      dispatch(this, session, argv);
    } finally {
      if (deferWakeups) this.deferWakeups(false);
      this.propagation.exit();
    }
  }

  // ---- cluster routing (src/cluster/routing.ts) ------------------------------------------

  /** The cluster's routing view; undefined on a standalone node (dispatch then skips routing). */
  routing: RoutingView | undefined = undefined;

  /** Installs the view the cluster runtime keeps (or removes it): keyed commands route by it. */
  setRoutingView(view: RoutingView | undefined): void {
    this.routing = view;
    this.routingChanged();
  }

  /**
   * The cluster changed (slots, open slots, state, roles): clients blocked on keys of a slot no
   * longer served here are answered with a redirect (Redis's clusterRedirectBlockedClientIfNeeded).
   */
  routingChanged(): void {
    const view = this.routing;
    if (view === undefined || this.blocking.size === 0) return;
    this.blocking.failWhere((parked) => {
      const firstKey = parked.keys[0];
      if (firstKey === undefined) return null;
      return redirectBlocked(view, firstKey, parked.client, parked.command.spec.flags.has('write'));
    });
  }

  /** Routing's existence test for open slots: database 0, expired keys count as missing. */
  readonly routingKeyExists = (key: string): boolean => {
    const db = this.keyspace.db(0);
    if (db.accessClockOf(key) === undefined) return false;
    // The command's own time (the keyspace clock is only set when a command starts running).
    const expireAtMs = db.expireAtMs(key);
    return expireAtMs === undefined || !(Math.floor(this.wallClockOffsetMs + this.lastCommandEndMs) > expireAtMs);
  };

  // ---- blocking commands -----------------------------------------------------------------

  readonly blocking = new BlockingRegistry<Session, Command>({
    // A woken client's command propagates on its own, after the write that woke it (Redis's
    // handleClientsBlockedOnKeys propagates per served client).
    retry: (parked) => {
      this.propagation.flush(true);
      const blockedAgain = call(this, parked.client, parked.command, parked.argv, true);
      this.propagation.flush(true);
      return blockedAgain;
    },
    released: (parked) => {
      const session = parked.client;
      session.flush();
      // Its pipelined input waited while it was blocked: run it on the next turn, not nested.
      setImmediate(() => session.processInput());
    },
    countError: (message) => this.stats.countError(message),
    nowMs: () => this.clock.nowMs(),
  });

  parkClient(client: DispatchClient, command: Command, argv: string[], request: BlockRequest): void {
    this.blocking.park(client as Session, client.dbIndex, argv, request, command);
  }

  get hasBlockedClients(): boolean {
    return this.blocking.size > 0;
  }

  keysWritten(dbIndex: number | null, keys: readonly string[] | null): void {
    this.watches.touch(dbIndex, keys);
    if (this.blocking.size === 0) return;
    if (this.#deferredWakeups !== undefined) this.#deferredWakeups.push([dbIndex, keys]);
    else this.blocking.keysWritten(dbIndex, keys);
  }

  get hasWriteListeners(): boolean {
    return this.watches.watchingClients > 0 || this.blocking.size > 0;
  }

  #deferredWakeups: Array<[number | null, readonly string[] | null]> | undefined;
  /** EXEC and scripts nest (a script inside EXEC): wakeups wait for the outermost end. */
  #deferDepth = 0;

  deferWakeups(defer: boolean): void {
    if (defer) {
      this.#deferDepth++;
      this.#deferredWakeups ??= [];
      return;
    }
    this.#deferDepth = Math.max(0, this.#deferDepth - 1);
    if (this.#deferDepth > 0) return;
    const pending = this.#deferredWakeups;
    this.#deferredWakeups = undefined;
    for (const [dbIndex, keys] of pending ?? []) this.blocking.keysWritten(dbIndex, keys);
  }

  // ---- pub/sub ---------------------------------------------------------------------------

  /** Receivers with messages this turn; a session is listed once (its pubsubFlushQueued flag). */
  #pendingFlush: Session[] = [];
  /** client-output-buffer-limit's pubsub class; set from the config in the constructor. */
  #pubsubLimit = outputLimitFor('', 'pubsub');

  /**
   * Receivers of messages are flushed once per event-loop turn, at its end (#endTurn) after the
   * replies of the turn, then their backlog checked. Replies first, as Redis's beforeSleep writes
   * the client queued last first (the publisher, whose reply follows its deliveries): the
   * publisher gets its answer before the node spends a write on each subscriber.
   */
  readonly pubsubHub = new PubSubHub<Session>((receiver) => {
    // A flag, not a Set: this runs once per message per subscriber (100 per PUBLISH).
    if (receiver.pubsubFlushQueued) return;
    receiver.pubsubFlushQueued = true;
    this.#pendingFlush.push(receiver);
    this.#scheduleTurnEnd();
  });

  #flushReceivers(): void {
    const nowMs = this.clock.nowMs();
    const receivers = this.#pendingFlush;
    this.#pendingFlush = [];
    for (const session of receivers) {
      session.pubsubFlushQueued = false;
      session.flush();
      const pendingBytes = session.pendingOutputBytes;
      if (!session.closed && overOutputLimit(this.#pubsubLimit, pendingBytes, nowMs, session.outputLimitState)) {
        this.logger.warning(
          `Client id=${session.id} addr=${session.remoteAddress} closed for overcoming of output buffer limits (pubsub, ${pendingBytes} bytes pending).`,
        );
        session.close();
      }
    }
  }

  isSubscribed(client: DispatchClient): boolean {
    return this.pubsubHub.subscriberCount > 0 && this.pubsubHub.isSubscribed(client as Session);
  }

  readonly pubsub: PubSubFacade = pubSubFacade(this.pubsubHub);

  /** Scripts past busy-reply-threshold run on from here (docs/lua-vm.md). */
  readonly busyScripts = new BusyScriptRunner({
    beginBatch: () => this.beginBatch(),
    countError: (message) => this.stats.countError(message),
  });

  get busyScript(): { readonly isEval: boolean } | undefined {
    return this.busyScripts.current?.script;
  }

  continueAfterScript(client: DispatchClient, continuation: () => void): boolean {
    return this.busyScripts.continueAfter(client as Session, continuation);
  }

  readonly scripting: ScriptingFacade = {
    openCaller: (client) => openScriptClient(this, client as Session),
    log: (level, message) => this.logger.log(level, message),
    suspend: (client, script, argv) => this.busyScripts.suspend(client as Session, script, argv),
    busy: () => this.busyScripts.current,
    busyThresholdMs: () => this.config.number('busy-reply-threshold'),
    outOfMemory: () => this.evictor.maxmemoryBytes > 0 && this.evictor.performEvictions(this.lastCommandEndMs) === 'fail',
    diskWriteError: () => this.writesRefusedOnDiskError,
    clusterEnabled: () => this.config.value('cluster-enabled') === 'yes',
  };

  // ---- transactions (MULTI/EXEC run in dispatch; this is their state) --------------------

  readonly watches = new WatchRegistry<Session>();

  endWatch(client: DispatchClient): boolean {
    const session = client as Session;
    let expired = false;
    for (const { dbIndex, key, expiredWhenWatched } of this.watches.watchedBy(session)) {
      if (!expiredWhenWatched && this.keyspace.db(dbIndex).isLogicallyExpired(key)) expired = true;
    }
    this.watches.unwatchAll(session);
    return expired;
  }

  readonly transactions: TransactionsFacade = {
    inTransaction: (client) => (client as Session).transaction !== undefined,
    begin: (client) => {
      const session = client as Session;
      if (session.transaction !== undefined) return false;
      session.transaction = { queued: [], aborted: false };
      return true;
    },
    discard: (client) => {
      const session = client as Session;
      if (session.transaction === undefined) return false;
      session.transaction = undefined;
      this.watches.unwatchAll(session);
      return true;
    },
    watch: (client, keys) => {
      const session = client as Session;
      const db = this.keyspace.db(session.dbIndex);
      for (const key of keys) this.watches.watch(session, session.dbIndex, key, db.isLogicallyExpired(key));
    },
    unwatch: (client) => this.watches.unwatchAll(client as Session),
  };

  wallClockOffsetMs = 0;
  lastCommandEndMs = 0;

  /**
   * Starts a batch of commands (one read): takes the monotonic time the first command starts
   * at and the wall clock's offset from it, and returns the wall-clock time in ms (the session's
   * last interaction: one clock read less per read). The wall clock is read per batch: an offset
   * kept from an earlier read puts "now" up to 1 ms behind Date.now() (that read's ms was
   * floored), and a TTL set from it could end before a time a client saw before sending.
   */
  beginBatch(): number {
    // Within one native read batch the clocks are read for its first client only: every read
    // of the batch happened before it began, and each command's end time (lastCommandEndMs)
    // keeps the derived wall clock moving for the next one.
    const batch = nativeClientIo?.currentBatch ?? 0;
    if (batch !== 0 && batch === this.#clockBatch) return this.#clockBatchWallMs;
    this.#clockBatch = batch;
    const nowMs = performance.now();
    this.lastCommandEndMs = nowMs;
    const wallMs = this.clock.nowMs();
    this.wallClockOffsetMs = wallMs - nowMs;
    this.#clockBatchWallMs = wallMs;
    return wallMs;
  }

  /** The native batch whose clocks beginBatch read (0: none), and the wall time it read. */
  #clockBatch = 0;
  #clockBatchWallMs = 0;

  get slowlogThresholdUs(): number {
    return this.slowlog.thresholdUs;
  }

  isPausedFor(argv: readonly string[]): boolean {
    if (!this.clients.pausing) return false;
    const mode = this.clients.activePause(this.clock.nowMs());
    if (mode === undefined) return false;
    if (mode === 'all') return true;
    const command = this.commands.lookup(argv[0] as string);
    return command !== undefined && (command.spec.flags.has('write') || MAY_REPLICATE_COMMANDS.has(command.spec.fullName));
  }

  countInputBytes(bytes: number): void {
    this.stats.totalNetInputBytes += bytes;
    this.stats.totalReadsProcessed++;
  }

  countOutputBytes(bytes: number): void {
    this.stats.totalNetOutputBytes += bytes;
    this.stats.totalWritesProcessed++;
  }

  onSessionClosed(session: Session): void {
    this.blocking.remove(session);
    this.watches.unwatchAll(session);
    this.pubsubHub.removeClient(session);
    this.clients.remove(session);
    this.#monitors.delete(session);
  }

  log(level: 'verbose' | 'notice' | 'warning', message: string): void {
    this.logger.log(level, message);
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  // ---- DispatchHost ----------------------------------------------------------------------

  requirePass = (): string => this.#requirePass;
  debugCommandPolicy = (): 'no' | 'yes' | 'local' => this.config.value('enable-debug-command') as 'no' | 'yes' | 'local';

  countError(message: string): void {
    this.stats.countError(message);
  }

  get evictedKeys(): number {
    return this.evictor.evictedKeys;
  }

  get maxmemoryBytes(): number {
    return this.evictor.maxmemoryBytes;
  }

  performEvictions(nowMs: number): EvictionResult {
    const result = this.evictor.performEvictions(nowMs);
    // Evictions before a command propagate on their own, never wrapped with it (Redis 7.0).
    this.propagation.flush(false);
    return result;
  }

  propagate(dbIndex: number, argv: readonly string[], changes: number): void {
    this.dirty += changes;
    this.propagation.push(dbIndex, argv);
  }

  get hasMonitors(): boolean {
    return this.#monitors.size > 0;
  }

  addMonitor(session: Session): void {
    this.#monitors.add(session);
  }

  feedMonitors(client: ClientState, argv: readonly string[]): void {
    const line = formatMonitorLine(this.nowUs(), client.dbIndex, client.remoteAddress, argv);
    for (const monitor of this.#monitors) {
      if (monitor.closed) continue;
      monitor.writer.raw(line);
      monitor.flush();
    }
  }

  recordSlowlog(durationUs: number, argv: readonly string[], client: ClientState): void {
    this.slowlog.maybeRecord(durationUs, argv, client.remoteAddress, client.name, this.clock.nowMs());
  }

  // ---- ServerFacade ----------------------------------------------------------------------

  scriptingMemory(): ScriptingMemory {
    return scriptingMemoryOf(this);
  }

  renderInfo(sections: readonly string[]): string {
    return renderInfo(this, sections);
  }

  shutdown(options: ShutdownOptions): void {
    // SHUTDOWN runs to completion at once (no replica wait yet), so nothing is ever in progress.
    if (options.abort) throw new ReplyError('ERR No shutdown in progress.');
    if (this.#shuttingDown) return;
    this.logger.warning('User requested shutdown...');
    // Redis's prepareForShutdown: stop a background save, then the final save when asked or
    // when save points are set (SHUTDOWN without NOSAVE, SIGTERM); a failed save keeps the node
    // up unless FORCE.
    this.persistence.killBackgroundSave();
    if (options.save || (!options.noSave && this.persistence.hasSavePoints)) {
      this.logger.notice('Saving the final RDB snapshot before exiting.');
      if (!this.persistence.saveNow()) {
        if (options.force) {
          this.logger.warning('Error trying to save the DB. Exit anyway.');
        } else {
          this.logger.warning("Error trying to save the DB, can't exit.");
          throw new ReplyError('ERR Errors trying to SHUTDOWN. Check logs.');
        }
      }
    }
    this.#shuttingDown = true;
    // Replies queued before SHUTDOWN still leave; then the node stops.
    setImmediate(() => {
      void this.close().then(() => {
        // The CLI removes the pid and socket files here, before Redis's last line.
        this.#onShutdown?.();
        this.logger.warning('Redis is now ready to exit, bye bye...');
      });
    });
  }

  lastSaveUnixSeconds(): number {
    return this.persistence.lastSaveUnixSeconds();
  }

  sleepBlocking(durationMs: number): void {
    const until = performance.now() + durationMs;
    const cell = new Int32Array(new SharedArrayBuffer(4));
    while (performance.now() < until) Atomics.wait(cell, 0, 0, Math.max(1, until - performance.now()));
  }

  setActiveExpireEnabled(enabled: boolean): void {
    this.#activeExpireEnabled = enabled;
  }

  nowUs(): number {
    // The system clock has sub-millisecond precision through performance.now(); a test clock has not.
    if (this.clock === systemClock) return Math.floor((performance.timeOrigin + performance.now()) * 1000);
    return Math.floor(this.clock.nowMs() * 1000);
  }

  memory(): MemorySnapshot {
    return this.memoryTracker.snapshot();
  }

  /** The hz the tick runs at (Redis clamps hz to 1..500). */
  get effectiveHz(): number {
    return Math.min(500, Math.max(1, Number(this.config.value('hz'))));
  }
}

const PROTECTED_MODE_MESSAGE =
  "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.";

/** The handlers' view of the pub/sub hub (clients are Sessions). */
function pubSubFacade(hub: PubSubHub<Session>): PubSubFacade {
  return {
    add: (client, kind, name) => hub.add(client as Session, kind, name),
    remove: (client, kind, name) => hub.remove(client as Session, kind, name),
    names: (client, kind) => hub.names(client as Session, kind),
    count: (client, kind) => hub.countFor(client as Session, kind),
    isSubscribed: (client) => hub.isSubscribed(client as Session),
    removeAll: (client) => hub.removeClient(client as Session),
    publish: (channel, message) => hub.publish(channel, message),
    publishShard: (channel, message) => hub.publishShard(channel, message),
    activeChannels: (kind, pattern) => hub.activeChannels(kind, pattern),
    subscribersOf: (kind, channel) => hub.subscribersOf(kind, channel),
    get patternCount() {
      return hub.patternCount;
    },
  };
}
