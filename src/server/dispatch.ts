import { performance } from 'node:perf_hooks';
import type { ClientState } from '../commands/client-state.js';
import type { BlockRequest, CommandContext } from '../commands/context.js';
import type { ScriptCaller, ServerFacade } from '../commands/server-facade.js';
import { keyPositions } from '../commands/key-extraction.js';
import type { CommandSpec } from '../commands/spec.js';
import { scriptCommandWrites } from '../scripting/script-command-writes.js';
import { isRouted, routeCommand, routedSlot, routeTransaction, RoutingErrors, type KeyExists, type RouteOutcome, type RoutingView } from '../cluster/routing.js';
import type { Command, CommandTable } from '../commands/table.js';
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { Errors, ReplyError, sanitizeErrorText } from '../lib/errors.js';
import type { Random } from '../lib/random.js';
import { MAX_PENDING_REPLY_BYTES, ReplyTooLargeError, ReplyWriter } from '../resp/reply-writer.js';
import { createInternalClient, type MutableDispatchClient } from './internal-client.js';

/** What dispatch needs from the node; src/server/server.ts provides it. */
export interface DispatchHost {
  readonly facade: ServerFacade;
  /** The table with handlers (the facade only exposes a view without them). */
  readonly commands: CommandTable;
  readonly keyspace: Keyspace;
  readonly random: Random;
  readonly requirePass: () => string;
  readonly debugCommandPolicy: () => 'no' | 'yes' | 'local';
  countError(message: string): void;
  /**
   * Wall clock minus performance.now(), taken once per batch of commands: a command's time is
   * offset + its start, so one performance.now() call gives both its time and its duration.
   */
  readonly wallClockOffsetMs: number;
  /**
   * performance.now() when the previous command of the batch ended (set by beginBatch, then by
   * each command): a command starts when the previous one ended, so each costs one clock read.
   * Whoever runs commands outside a client's read (replication, AOF loading, scripts) calls the
   * host's beginBatch() first, or the command's time would be stale.
   */
  lastCommandEndMs: number;
  /** A command changed the dataset: count it and hand its effect to replication and the AOF. */
  propagate(dbIndex: number, argv: readonly string[], changes: number): void;
  /** Feeds MONITOR clients (after the command ran, like Redis 7.0). */
  feedMonitors(client: ClientState, argv: readonly string[]): void;
  readonly hasMonitors: boolean;
  /** slowlog-log-slower-than, read per command before calling recordSlowlog. */
  readonly slowlogThresholdUs: number;
  recordSlowlog(durationUs: number, argv: readonly string[], client: ClientState): void;
  /** A handler asked to block: park the client (src/server/blocking.ts). */
  parkClient(client: DispatchClient, command: Command, argv: string[], request: BlockRequest): void;
  readonly hasBlockedClients: boolean;
  /**
   * A write touched these keys (null db: every database; null keys: every key of that database,
   * e.g. FLUSHDB): wake blocked clients waiting on them and dirty the WATCHes on them.
   */
  keysWritten(dbIndex: number | null, keys: readonly string[] | null): void;
  /** Someone WATCHes or blocks: only then are written keys worked out (not on every SET). */
  readonly hasWriteListeners: boolean;
  /** EXEC holds wakeups of blocked clients until the transaction ends (Redis serves them after). */
  deferWakeups(defer: boolean): void;
  /** Forgets the client's WATCHed keys; true when one of them expired since it was watched. */
  endWatch(client: DispatchClient): boolean;
  /** The client has pub/sub subscriptions (RESP2 subscriber mode restricts its commands). */
  isSubscribed(client: DispatchClient): boolean;
  /** maxmemory in bytes; 0: no limit (then no eviction check is made). */
  readonly maxmemoryBytes: number;
  /**
   * A script past busy-reply-threshold is suspended between slices (src/server/busy-script.ts):
   * other clients get BUSY except for allow_busy commands. Undefined when none.
   */
  readonly busyScript: { readonly isEval: boolean } | undefined;
  /**
   * When `client` has a suspended script, runs `continuation` after it ends (EXEC's remaining
   * commands) and returns true; false when it has none.
   */
  continueAfterScript(client: DispatchClient, continuation: () => void): boolean;
  /** Evicts keys by maxmemory-policy while over maxmemory (src/server/eviction); 'fail': still over. */
  performEvictions(nowMs: number): 'ok' | 'running' | 'fail';
  /** The dataset is being loaded: commands without the `loading` flag get -LOADING. */
  readonly loading: boolean;
  /**
   * The -MISCONF error writes (and PING) get while persisting fails (Redis's
   * writeCommandsDeniedByDiskError): a failed BGSAVE with stop-writes-on-bgsave-error, or a
   * failed AOF write; undefined when writes are accepted.
   */
  readonly writesRefusedOnDiskError: string | undefined;
  /** Cluster mode: the routing view (src/cluster/routing.ts); undefined on a standalone node. */
  readonly routing: RoutingView | undefined;
  /** Does a key exist in database 0 (open-slot checks of routing)? */
  readonly routingKeyExists: KeyExists;
}

const LOADING_ERROR = 'LOADING Redis is loading the dataset in memory';

/** What a RESP2 client in subscriber mode may run (Redis's processCommand). */
const SUBSCRIBER_MODE_COMMANDS = new Set(['ping', 'subscribe', 'ssubscribe', 'psubscribe', 'unsubscribe', 'sunsubscribe', 'punsubscribe', 'quit', 'reset']);

/** Redis's CMD_MAY_REPLICATE commands a script can call (not in COMMAND's flags). */
const SCRIPT_MAY_REPLICATE = new Set(['publish', 'spublish', 'pfcount']);

/** A client's MULTI state: the queued commands, and whether queuing failed (EXECABORT). */
export interface TransactionState {
  readonly queued: Array<{ command: Command; argv: string[] }>;
  aborted: boolean;
}

/** The caller of a command, as dispatch sees it: the handler view plus its reply writer. */
export interface DispatchClient extends ClientState {
  readonly writer: ReplyWriter;
  /** Skip the reply of the command running now (CLIENT REPLY SKIP was the previous one). */
  skipCurrentReply: boolean;
  /** A loopback peer (DEBUG with enable-debug-command local). */
  readonly isLocal: boolean;
  /** The client's reusable command context (created by dispatch on first use). */
  dispatchContext: Context | undefined;
  /** Parked by a blocking command: its further input waits. */
  blocked: boolean;
  /** Between MULTI and EXEC/DISCARD. */
  transaction: TransactionState | undefined;
  /** A WATCHed key was touched: EXEC will fail. */
  watchDirty: boolean;
  /**
   * Cluster mode: the slot of the keys of the last routed command (EXEC: of the whole
   * transaction), -1 without keys (Redis's c->slot). A flagged script without
   * allow-cross-slot-keys holds its commands to it (and sets it when -1).
   */
  clusterSlot: number;
}

/**
 * The one reusable context of a client: fields are set per command, so a command allocates
 * nothing for its context.
 */
export class Context implements CommandContext {
  reply: ReplyWriter;
  client: DispatchClient;
  keyspace: Keyspace;
  server: ServerFacade;
  nowMs = 0;
  random: Random;
  changes = 0;
  rewritten: string[] | undefined;

  constructor(client: DispatchClient, host: DispatchHost) {
    this.client = client;
    this.reply = client.writer;
    this.keyspace = host.keyspace;
    this.server = host.facade;
    this.random = host.random;
  }

  get db(): Database {
    return this.keyspace.db(this.client.dbIndex);
  }

  dirty(changes = 1): void {
    this.changes += changes;
  }

  propagateAs(argv: string[]): void {
    this.rewritten = argv;
  }

  /** MULTI/EXEC and scripts set this to false. */
  mayBlock = true;
  wokenFromBlock = false;
  blockRequest: BlockRequest | undefined;

  block(request: BlockRequest): void {
    this.blockRequest = request;
  }
}

/**
 * Redis's CMD_PROTECTED commands (not visible in COMMAND flags), gated by enable-debug-command:
 * DEBUG and MODULE, tested by name (compares of interned names: this runs for every command).
 */
function isProtectedCommand(fullName: string): boolean {
  return fullName === 'debug' || fullName === 'module';
}

/**
 * Runs one request: resolves the command, applies every check in Redis's order (unknown
 * command, arity, protection, auth), calls the handler, and does the bookkeeping
 * (stats, errors, CLIENT REPLY, slowlog, MONITOR, propagation) in one place.
 */
export function dispatch(host: DispatchHost, client: DispatchClient, argv: string[]): void {
  if (!client.clusterAsking) {
    dispatchCommand(host, client, argv);
    return;
  }
  dispatchCommand(host, client, argv);
  // Redis's resetClient: ASKING covers the next command, or a whole transaction up to EXEC.
  if (client.transaction === undefined && (argv[0] as string).toLowerCase() !== 'asking') client.clusterAsking = false;
}

function dispatchCommand(host: DispatchHost, client: DispatchClient, argv: string[]): void {
  const writer = client.writer;
  const name = argv[0] as string;
  let command: Command | undefined = host.commands.lookup(name);
  if (command === undefined) {
    reject(host, client, Errors.unknownCommand(name, argv.slice(1)));
    return;
  }
  if (command.subcommands !== undefined && argv.length >= 2) {
    const sub = command.subcommands.get((argv[1] as string).toLowerCase());
    if (sub === undefined) {
      reject(host, client, Errors.unknownSubcommand(argv[1] as string, name));
      return;
    }
    command = sub;
  }
  const spec = command.spec;
  if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
    command.stats.rejectedCalls++;
    reject(host, client, Errors.wrongArity(spec.fullName));
    return;
  }
  if (isProtectedCommand((command.parent ?? command).spec.fullName)) {
    const policy = host.debugCommandPolicy();
    if (policy === 'no' || (policy === 'local' && !client.isLocal)) {
      command.stats.rejectedCalls++;
      const what = (command.parent ?? command).spec.fullName.toUpperCase();
      reject(
        host,
        client,
        `ERR ${what} command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
      );
      return;
    }
  }
  if (!client.authenticated && !spec.flags.has('no_auth')) {
    if (host.requirePass() !== '') {
      command.stats.rejectedCalls++;
      reject(host, client, Errors.noAuth);
      return;
    }
    client.authenticated = true;
  }
  // Cluster routing (Redis's processCommand: after auth, before OOM and MULTI queueing). A
  // standalone node has no view: one undefined test. A no_multi command inside MULTI is refused
  // below first, as Redis checks that before routing.
  const routing = host.routing;
  if (routing !== undefined && isRouted(spec) && !(client.transaction !== undefined && spec.flags.has('no_multi'))) {
    const error = routeRequest(host, routing, client, spec, argv);
    client.clusterSlot = error === null ? routedSlot() : -1;
    if (error !== null) {
      command.stats.rejectedCalls++;
      if (spec.fullName === 'exec') {
        // Redis discards the transaction and replies the redirect itself (no EXECABORT).
        client.transaction = undefined;
        host.endWatch(client);
      }
      reject(host, client, error);
      return;
    }
  }
  const busy = host.busyScript;
  // No eviction while a script is suspended: it would change the data under the script.
  if (busy === undefined && host.maxmemoryBytes > 0 && host.performEvictions(host.lastCommandEndMs) === 'fail' && rejectedOnOom(client, spec.fullName, spec.flags)) {
    command.stats.rejectedCalls++;
    rejectOrAbortExec(host, client, spec.fullName, Errors.oom);
    return;
  }
  const diskError = host.writesRefusedOnDiskError;
  if (diskError !== undefined && (isWriteCommand(client, spec.fullName, spec.flags) || spec.fullName === 'ping')) {
    command.stats.rejectedCalls++;
    rejectOrAbortExec(host, client, spec.fullName, diskError);
    return;
  }
  // Cheapest test first: isSubscribed is false at once while nobody subscribes.
  if (client.protocol === 2 && host.isSubscribed(client) && !SUBSCRIBER_MODE_COMMANDS.has(spec.fullName)) {
    command.stats.rejectedCalls++;
    reject(
      host,
      client,
      `ERR Can't execute '${spec.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    );
    return;
  }
  if (host.loading && deniedWhileLoading(client, spec.fullName, spec.flags)) {
    command.stats.rejectedCalls++;
    reject(host, client, LOADING_ERROR);
    return;
  }
  if (busy !== undefined && (!spec.flags.has('allow_busy') || (spec.fullName === 'shutdown' && !argv.some((a) => a.toLowerCase() === 'nosave')))) {
    // Redis's processCommand (and shutdownCommand: only SHUTDOWN NOSAVE while busy).
    command.stats.rejectedCalls++;
    reject(host, client, busy.isEval ? Errors.busyEval : Errors.busyFunction);
    return;
  }
  if (client.transaction !== undefined) {
    if (spec.flags.has('no_multi')) {
      command.stats.rejectedCalls++;
      reject(host, client, 'ERR Command not allowed inside a transaction');
      return;
    }
    if (!TRANSACTION_CONTROL.has(spec.fullName)) {
      client.transaction.queued.push({ command, argv });
      writer.simple('QUEUED');
      return;
    }
  }
  if (spec.fullName === 'exec') {
    execTransaction(host, client, command);
    return;
  }
  if (command.handler === undefined) {
    // A container reached without a subcommand: its arity (-2) already refused that.
    reject(host, client, Errors.unknownSubcommand('', name));
    return;
  }
  call(host, client, command, argv, false);
}

function routeRequest(host: DispatchHost, routing: RoutingView, client: DispatchClient, spec: CommandSpec, argv: readonly string[]): RouteOutcome {
  // EVAL/FCALL of a script with flags write unless it says no-writes (Redis's getCommandFlags).
  if (spec.fullName !== 'exec') return routeCommand(routing, spec, argv, client, host.routingKeyExists, scriptCommandWrites(host.facade, spec.fullName, argv));
  // EXEC without MULTI only errors: nothing to route.
  if (client.transaction === undefined) return null;
  return routeTransaction(routing, spec, client.transaction.queued, client, host.routingKeyExists);
}

/**
 * Writes whose keys are not (all) in the key specs, or in another database: after them every
 * blocked client is retried (Redis signals the affected keys one by one; retrying is equivalent).
 */
const WIDE_WRITES = new Set(['move', 'copy', 'swapdb', 'flushall', 'flushdb']);

/**
 * Runs a resolved, checked command and does the bookkeeping. `retry`: a blocked client being
 * woken (src/server/blocking.ts): if the handler blocks again it keeps its place. Returns true
 * when the command blocked.
 */
export function call(host: DispatchHost, client: DispatchClient, command: Command, argv: string[], retry: boolean): boolean {
  const writer = client.writer;
  const spec = command.spec;
  const handler = command.handler;
  if (handler === undefined) return false;
  let context = client.dispatchContext;
  if (context === undefined) context = client.dispatchContext = new Context(client, host);
  const startedMs = host.lastCommandEndMs;
  const nowMs = Math.floor(host.wallClockOffsetMs + startedMs);
  host.keyspace.nowMs = nowMs;
  context.nowMs = nowMs;
  context.changes = 0;
  context.rewritten = undefined;
  context.blockRequest = undefined;
  context.wokenFromBlock = retry;
  const dbIndex = client.dbIndex;
  const replyMark = writer.mark;
  // Set before the call, like Redis's c->lastcmd: CLIENT LIST shows cmd=client|list for itself.
  client.lastCommand = spec.fullName;
  try {
    handler(context, argv);
  } catch (thrown) {
    let error = thrown;
    if (error instanceof ReplyTooLargeError) {
      // A reply the node cannot hold (SRANDMEMBER k -10000000000): drop what was written of it
      // and answer an error, rather than run out of memory.
      writer.truncateTo(replyMark);
      error = new ReplyError(`ERR reply exceeds ${MAX_PENDING_REPLY_BYTES} bytes; not sent`);
    }
    if (!(error instanceof ReplyError)) throw error;
    const message = sanitizeErrorText(error.message);
    writer.error(message);
    // A script failing on a redis.call error: that command already counted it (Redis 7.0).
    if ((error as ReplyError & { alreadyCounted?: boolean }).alreadyCounted !== true) host.countError(message);
    command.stats.failedCalls++;
  }
  const endedMs = performance.now();
  host.lastCommandEndMs = endedMs;
  const durationUs = (endedMs - startedMs) * 1000;
  const blockRequest = context.blockRequest;
  if (blockRequest !== undefined) {
    context.blockRequest = undefined;
    // A parked command replies later; it is counted when it completes (as Redis does).
    if (!retry) host.parkClient(client, command, argv, blockRequest);
    return true;
  }
  command.stats.calls++;
  command.stats.usec += durationUs;
  host.facade.stats.totalCommandsProcessed++;
  if (client.replyMode === 'off' || client.skipCurrentReply) writer.truncateTo(replyMark);
  client.skipCurrentReply = false;
  if (client.replyMode === 'skip') {
    client.replyMode = 'on';
    client.skipCurrentReply = true;
  }
  if (durationUs >= host.slowlogThresholdUs && host.slowlogThresholdUs >= 0) host.recordSlowlog(durationUs, argv, client);
  if (!retry && host.hasMonitors && !spec.flags.has('admin') && !spec.flags.has('skip_monitor')) host.feedMonitors(client, argv);
  if (context.changes > 0) {
    host.propagate(dbIndex, context.rewritten ?? argv, context.changes);
    if (host.hasWriteListeners) signalWrites(host, spec.fullName, dbIndex, argv, command);
  }
  return false;
}

function signalWrites(host: DispatchHost, fullName: string, dbIndex: number, argv: readonly string[], command: Command): void {
  if (fullName === 'flushdb') {
    host.keysWritten(dbIndex, null);
    return;
  }
  const positions = WIDE_WRITES.has(fullName) ? null : keyPositions(command.spec, argv);
  if (positions === null || positions.length === 0) host.keysWritten(null, null);
  else host.keysWritten(dbIndex, positions.map((i) => argv[i] as string));
}


/** Refuses a command before it runs; inside MULTI that dooms the transaction (EXECABORT). */
function reject(host: DispatchHost, client: DispatchClient, message: string): void {
  client.writer.error(message);
  host.countError(message);
  if (client.transaction !== undefined) client.transaction.aborted = true;
}

/** Redis's rejectCommand for EXEC is execCommandAbort: the transaction is discarded, the error says why. */
function rejectOrAbortExec(host: DispatchHost, client: DispatchClient, fullName: string, message: string): void {
  if (fullName === 'exec' && client.transaction !== undefined) {
    client.transaction = undefined;
    host.endWatch(client);
    reject(host, client, `EXECABORT Transaction discarded because of: ${message}`);
  } else {
    reject(host, client, message);
  }
}

/** What MULTI may still run when out of memory (Redis's processCommand: queuing costs memory). */
const OOM_ALLOWED_IN_MULTI = new Set(['exec', 'discard', 'quit', 'reset']);

/**
 * Redis 7.0's reject_cmd_on_oom: denyoom commands, EXEC of a transaction holding one, and
 * anything but EXEC / DISCARD / QUIT / RESET inside MULTI.
 */
function rejectedOnOom(client: DispatchClient, fullName: string, flags: ReadonlySet<string>): boolean {
  if (flags.has('denyoom')) return true;
  const transaction = client.transaction;
  if (transaction === undefined) return false;
  if (!OOM_ALLOWED_IN_MULTI.has(fullName)) return true;
  return fullName === 'exec' && transaction.queued.some((entry) => entry.command.spec.flags.has('denyoom'));
}

/** Redis's is_write_command: a write, or EXEC of a transaction holding one. */
function isWriteCommand(client: DispatchClient, fullName: string, flags: ReadonlySet<string>): boolean {
  if (flags.has('write')) return true;
  const transaction = client.transaction;
  return fullName === 'exec' && transaction !== undefined && transaction.queued.some((entry) => entry.command.spec.flags.has('write'));
}

/** Redis's is_denyloading_command: no `loading` flag, or EXEC of a transaction holding such a command. */
function deniedWhileLoading(client: DispatchClient, fullName: string, flags: ReadonlySet<string>): boolean {
  if (!flags.has('loading')) return true;
  const transaction = client.transaction;
  return fullName === 'exec' && transaction !== undefined && transaction.queued.some((entry) => !entry.command.spec.flags.has('loading'));
}

/** Commands that act on the transaction itself instead of being queued by MULTI. */
const TRANSACTION_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/**
 * EXEC: runs the queued commands one after the other with nothing in between (other clients
 * wait: the node is single-threaded), each reply in one array. A failed WATCH gives a null
 * array, a queuing error EXECABORT. Blocking commands do not block inside (mayBlock false), and
 * blocked clients woken by the transaction's writes are served after it, as in Redis.
 */
function execTransaction(host: DispatchHost, client: DispatchClient, exec: Command): void {
  const state = client.transaction;
  exec.stats.calls++;
  host.facade.stats.totalCommandsProcessed++;
  client.lastCommand = 'exec';
  if (state === undefined) {
    exec.stats.failedCalls++;
    reject(host, client, 'ERR EXEC without MULTI');
    return;
  }
  client.transaction = undefined;
  const dirty = client.watchDirty;
  const expired = host.endWatch(client); // also clears watchDirty
  if (state.aborted) {
    exec.stats.failedCalls++;
    reject(host, client, 'EXECABORT Transaction discarded because of previous errors.');
    return;
  }
  if (dirty || expired) {
    client.writer.nullArray();
    return;
  }
  client.writer.array(state.queued.length);
  const outer = client.dispatchContext;
  const inner = new Context(client, host);
  inner.mayBlock = false;
  client.dispatchContext = inner;
  host.deferWakeups(true);
  const queued = state.queued;
  const runFrom = (start: number): void => {
    let suspended = false;
    try {
      for (let i = start; i < queued.length; i++) {
        const { command, argv } = queued[i] as { command: Command; argv: string[] };
        call(host, client, command, argv, false);
        // A script went past busy-reply-threshold and yielded: the rest of the transaction
        // runs after it ends, so the replies stay in order and nothing runs in between.
        if (i + 1 < queued.length && host.continueAfterScript(client, () => runFrom(i + 1))) {
          suspended = true;
          return;
        }
      }
    } finally {
      if (!suspended) {
        client.dispatchContext = outer;
        host.deferWakeups(false);
      }
    }
  };
  runFrom(0);
}

/**
 * Redis 7.0's scriptVerifyClusterState, first half: a command of a script must use keys served
 * here (a command whose own keys span slots is refused the same way). The one-slot rule for
 * flagged scripts is in ScriptClientSlot.run.
 */
function scriptRoutingError(outcome: RouteOutcome): string | null {
  if (outcome === null) return null;
  if (outcome === RoutingErrors.downReadOnly) return 'ERR Script attempted to execute a write command while the cluster is down and readonly';
  if (outcome === RoutingErrors.down) return 'ERR Script attempted to execute a command while the cluster is down';
  return 'ERR Script attempted to access a non local key in a cluster node';
}

/**
 * A script's stand-in client (Redis's script caller): commands run through it write into their
 * own writer in the script's protocol, and SELECT inside a script does not move the caller.
 */
export function openScriptClient(host: DispatchHost, caller: DispatchClient): ScriptCaller {
  let slot = scriptSlots.get(host);
  if (slot === undefined) {
    slot = new ScriptClientSlot(host);
    scriptSlots.set(host, slot);
  }
  return slot.open(caller);
}

/**
 * One stand-in client per node, reused by every script (like Redis's lua_client): a script
 * allocates no client, writer or context of its own. Only one script runs at a time (a
 * suspended one makes every other EVAL/FCALL BUSY), so one is enough.
 */
class ScriptClientSlot implements ScriptCaller {
  readonly #host: DispatchHost;
  readonly #writer = new ReplyWriter();
  readonly #client: MutableDispatchClient;
  protocol: 2 | 3 = 2;
  readOnly = false;
  allowOom = false;
  allowCrossSlot = true;
  #wroteData = false;
  /** The client the script runs for: its clusterSlot is the script's slot. */
  #caller: DispatchClient | undefined;
  /** Redis's pre_command_oom_state, taken when the script starts: a script that wrote is never stopped halfway by OOM. */
  #oomAtStart = false;

  constructor(host: DispatchHost) {
    this.#host = host;
    // The local address is the caller's, copied in open().
    this.#client = createInternalClient(this.#writer, 'lua', false);
  }

  open(caller: DispatchClient): ScriptCaller {
    const client = this.#client;
    client.id = caller.id;
    client.name = caller.name;
    client.dbIndex = caller.dbIndex;
    client.user = caller.user;
    client.noEvict = caller.noEvict;
    client.localAddress = caller.localAddress;
    client.createdAtMs = caller.createdAtMs;
    client.lastInteractionMs = caller.lastInteractionMs;
    client.isLocal = caller.isLocal;
    // Redis's scriptVerifyClusterState copies the caller's ASKING and READONLY flags.
    client.clusterAsking = caller.clusterAsking;
    client.clusterReadonly = caller.clusterReadonly;
    this.protocol = 2;
    this.readOnly = false;
    this.allowOom = false;
    this.allowCrossSlot = true;
    this.#wroteData = false;
    this.#caller = caller;
    const host = this.#host;
    this.#oomAtStart = host.maxmemoryBytes > 0 && host.performEvictions(host.lastCommandEndMs) === 'fail';
    // Clients blocked on keys the script writes are served after it (Redis does so too), not
    // between its commands: that would show them the script half done.
    if (!this.#open) host.deferWakeups(true);
    this.#open = true;
    return this;
  }

  #open = false;

  finish(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#caller = undefined;
    this.#host.deferWakeups(false);
  }

  get wroteData(): boolean {
    return this.#wroteData;
  }

  run(argv: string[]): Buffer | string {
    const host = this.#host;
    const name = argv[0] as string;
    let command = host.commands.lookup(name);
    if (command !== undefined && command.subcommands !== undefined && argv.length >= 2) {
      command = command.subcommands.get((argv[1] as string).toLowerCase());
    }
    if (command === undefined || command.handler === undefined) return 'ERR Unknown Redis command called from script';
    const refused = this.#refusal(command, argv);
    if (refused !== null) {
      // Redis's scriptCall error path: incrCommandStatsOnError(cmd, ERROR_COMMAND_REJECTED).
      command.stats.rejectedCalls++;
      return refused;
    }
    const client = this.#client;
    client.protocol = this.protocol;
    this.#writer.protocol = this.protocol;
    let context = client.dispatchContext;
    if (context === undefined) {
      context = client.dispatchContext = new Context(client, host);
      context.mayBlock = false;
    }
    call(host, client, command, argv, false);
    return this.#writer.take();
  }

  /** Redis's scriptCall checks, in its order: the error text, or null when the command may run. */
  #refusal(command: Command, argv: string[]): string | null {
    const host = this.#host;
    const spec = command.spec;
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) return 'ERR Wrong number of args calling Redis command from script';
    if (spec.flags.has('noscript') || (command.parent?.spec.flags.has('noscript') ?? false)) return 'ERR This Redis command is not allowed from script';
    const writes = spec.flags.has('write');
    // May-replicate commands (PUBLISH, PFCOUNT) count as writes for read-only scripts.
    if (this.readOnly && (writes || SCRIPT_MAY_REPLICATE.has(spec.fullName))) return 'ERR Write commands are not allowed from read-only scripts.';
    // Redis's scriptVerifyWriteCommandAllow (before its OOM check): a script that wrote already is not stopped halfway.
    if (writes && !this.#wroteData) {
      const diskError = host.writesRefusedOnDiskError;
      if (diskError !== undefined) return diskError;
    }
    if (!this.allowOom && this.#oomAtStart && !this.#wroteData && spec.flags.has('denyoom')) return Errors.oom;
    // Redis marks the script as having written before its cluster checks (SCRIPT_WRITE_DIRTY).
    if (writes) this.#wroteData = true;
    const routing = host.routing;
    // A script replayed from the AOF is obeyed (Redis's mustObeyClient): while loading, only
    // the loading client runs scripts (others get -LOADING).
    if (routing === undefined || !isRouted(spec) || host.loading) return null;
    const refused = scriptRoutingError(routeCommand(routing, spec, argv, this.#client, host.routingKeyExists));
    if (refused !== null) return refused;
    const slot = routedSlot();
    const caller = this.#caller;
    if (slot !== -1 && !this.allowCrossSlot && caller !== undefined) {
      // The declared keys' slot (or the transaction's), else the first one the script uses.
      if (caller.clusterSlot === -1) caller.clusterSlot = slot;
      else if (caller.clusterSlot !== slot) return 'ERR Script attempted to access keys that do not hash to the same slot';
    }
    return null;
  }
}

const scriptSlots = new WeakMap<DispatchHost, ScriptClientSlot>();
