import type { CommandSpec } from '../commands/spec.js';
import { keyHashSlot } from '../lib/hash-slot.js';
import { routingKeys, singleKeyIndex } from './routing-keys.js';

/**
 * What the routing check needs to know about the cluster: Redis 7.0's getNodeByQuery reads
 * exactly these. The cluster runtime (src/cluster, wip/cluster-io) implements it over its
 * current ClusterConfig and installs it with `server.setRoutingView(view)`; a standalone node
 * has none, and then dispatch skips routing entirely.
 *
 * The view is live: every read answers for the cluster as it is now. After a change that can move
 * a slot or the cluster state (a new config, SETSLOT, a failover, cluster_state ok/fail), the
 * runtime calls `server.routingChanged()` so that clients blocked on keys of a slot that moved
 * are redirected (Redis's clusterRedirectBlockedClientIfNeeded).
 *
 * Nodes are named by their 40-hex-char node IDs (no objects: the view never allocates and node
 * records may be replaced by each new immutable config). Every method is called on the hot path
 * (once per keyed command) and must be O(1) and allocation-free, except endpointOf, which only
 * runs when writing a redirect.
 */
export interface RoutingView {
  /**
   * cluster_state is ok. The runtime computes it from the slot coverage and
   * cluster-require-full-coverage (Redis's clusterUpdateState), so routing need not know that
   * directive.
   */
  readonly stateOk: boolean;
  /** This node's ID. */
  readonly myselfId: string;
  /** The ID of the master this node replicates, or null when it is a master. */
  readonly myMasterId: string | null;
  /** The node serving a slot (server.cluster->slots[slot]), or null when unassigned. */
  ownerOf(slot: number): string | null;
  /** CLUSTER SETSLOT <slot> MIGRATING <id> set on this node: the target's ID, else null. */
  migratingTo(slot: number): string | null;
  /** CLUSTER SETSLOT <slot> IMPORTING <id> set on this node: the source's ID, else null. */
  importingFrom(slot: number): string | null;
  /**
   * The `<endpoint>:<port>` text a MOVED or ASK redirect to this node names: the endpoint by
   * cluster-preferred-endpoint-type (see preferredEndpoint below) and the node's client port.
   */
  endpointOf(nodeId: string): string;
  /** cluster-allow-reads-when-down. */
  readonly allowReadsWhenDown: boolean;
  /** cluster-allow-pubsubshard-when-down. */
  readonly allowPubsubshardWhenDown: boolean;
}

/**
 * Redis 7.0's getPreferredEndpoint plus the port: what MOVED/ASK, CLUSTER SLOTS and CLUSTER
 * SHARDS name a node by. A helper for RoutingView implementations.
 */
export function preferredEndpoint(type: 'ip' | 'hostname' | 'unknown-endpoint', ip: string, hostname: string, port: number): string {
  let endpoint: string;
  if (type === 'ip') endpoint = ip;
  else if (type === 'hostname') endpoint = hostname !== '' ? hostname : '?';
  // Redis prints nothing before the colon: "MOVED 866 :7000".
  else endpoint = '';
  return `${endpoint}:${port}`;
}

/** The per-client state routing reads (Redis's CLIENT_ASKING / CLIENT_READONLY flags). */
export interface RoutingClient {
  /** ASKING was sent: the next command (or the next transaction) may use an importing slot. */
  readonly clusterAsking: boolean;
  /** READONLY was sent: a replica serves reads of its master's slots. */
  readonly clusterReadonly: boolean;
}

/** Does the key exist in database 0 (not logically expired)? Used only for open slots. */
export type KeyExists = (key: string) => boolean;

/** A queued command as routing sees it: its spec and its arguments (argv[0] is the name). */
export interface RoutedCommand {
  readonly command: { readonly spec: CommandSpec };
  readonly argv: readonly string[];
}

/** Redis 7.0's clusterRedirectClient texts (without the leading '-'). */
export const RoutingErrors = {
  crossSlot: "CROSSSLOT Keys in request don't hash to the same slot",
  tryAgain: 'TRYAGAIN Multiple keys request during rehashing of slot',
  down: 'CLUSTERDOWN The cluster is down',
  downReadOnly: 'CLUSTERDOWN The cluster is down and only accepts read commands',
  notServed: 'CLUSTERDOWN Hash slot not served',
  moved: (slot: number, endpoint: string) => `MOVED ${slot} ${endpoint}`,
  ask: (slot: number, endpoint: string) => `ASK ${slot} ${endpoint}`,
  clusterDisabled: 'ERR This instance has cluster support disabled',
} as const;

/** The answer of a routing check: null to serve the command here, or the error text to reply. */
export type RouteOutcome = string | null;

/**
 * Processing Redis applies a routing check to (processCommand): a command with key specs, or
 * movable keys, or EXEC. Commands without keys skip routing and cost nothing more.
 */
export function isRouted(spec: CommandSpec): boolean {
  return spec.keySpecs.length > 0 || spec.fullName === 'exec';
}

/** Shard pub/sub commands route by channel, and open slots do not look their channels up. */
const SHARD_PUBSUB = new Set(['ssubscribe', 'sunsubscribe', 'spublish']);

/** What routing needs of a command, worked out once per spec (the per-command path reads one object). */
interface RouteInfo {
  readonly shardPubsub: boolean;
  readonly write: boolean;
  /** The only key's argv index (GET, SET...), or 0: see singleKeyIndex. */
  readonly singleKey: number;
}

const routeInfos = new WeakMap<CommandSpec, RouteInfo>();

function routeInfoOf(spec: CommandSpec): RouteInfo {
  let info = routeInfos.get(spec);
  if (info === undefined) {
    info = { shardPubsub: SHARD_PUBSUB.has(spec.fullName), write: spec.flags.has('write'), singleKey: singleKeyIndex(spec) };
    routeInfos.set(spec, info);
  }
  return info;
}

/**
 * Where the keys of a query are, gathered without allocating (one module-level instance: the
 * node is single-threaded and routing never re-enters).
 */
class SlotQuery {
  view!: RoutingView;
  keyExists!: KeyExists;
  shardPubsub = false;
  firstKey: string | undefined = undefined;
  slot = 0;
  owner: string | null = null;
  multipleKeys = false;
  migrating = false;
  importing = false;
  missingKeys = 0;
  existingKeys = 0;
  /** Set when the query already failed (unassigned slot, cross slot). */
  error: string | null = null;

  reset(view: RoutingView, keyExists: KeyExists, shardPubsub: boolean): void {
    this.view = view;
    this.keyExists = keyExists;
    this.shardPubsub = shardPubsub;
    this.firstKey = undefined;
    this.slot = 0;
    this.owner = null;
    this.multipleKeys = false;
    this.migrating = false;
    this.importing = false;
    this.missingKeys = 0;
    this.existingKeys = 0;
    this.error = null;
  }

  /** One key of the query (Redis's loop body); false stops the walk (an error was found). */
  addKey(key: string): boolean {
    const view = this.view;
    if (this.firstKey === undefined) {
      this.firstKey = key;
      const slot = keyHashSlot(key);
      this.slot = slot;
      const owner = view.ownerOf(slot);
      this.owner = owner;
      if (owner === null) {
        this.error = RoutingErrors.notServed;
        return false;
      }
      if (owner === view.myselfId && view.migratingTo(slot) !== null) this.migrating = true;
      else if (view.importingFrom(slot) !== null) this.importing = true;
    } else if (key !== this.firstKey) {
      if (keyHashSlot(key) !== this.slot) {
        this.error = RoutingErrors.crossSlot;
        return false;
      }
      this.multipleKeys = true;
    }
    if ((this.migrating || this.importing) && !this.shardPubsub) {
      if (this.keyExists(key)) this.existingKeys++;
      else this.missingKeys++;
    }
    return true;
  }
}

const query = new SlotQuery();
const addKey = (key: string): boolean => query.addKey(key);

/** The slot of the last query served here (see routedSlot). */
let lastSlot = -1;

/**
 * The hash slot of the keys of the last routeCommand/routeTransaction that returned null (served
 * here), or -1 when it had no keys: Redis's getNodeByQuery `hashslot` out-parameter, which
 * processCommand keeps in c->slot and scripts check their keys against.
 */
export function routedSlot(): number {
  return lastSlot;
}

/**
 * Redis 7.0's getNodeByQuery + clusterRedirectClient for one command outside MULTI (or being
 * queued in MULTI: Redis checks each queued command on its own, then all of them at EXEC).
 * Returns null when this node serves it, else the error to reply. The caller only calls it for
 * commands where isRouted(spec) holds. `writes`: whether the command writes when its spec's
 * flags do not say it (EVAL/FCALL of a script with flags: Redis's getCommandFlags derives the
 * write flag from the script's), for the cluster-down and READONLY checks.
 */
export function routeCommand(
  view: RoutingView,
  spec: CommandSpec,
  argv: readonly string[],
  client: RoutingClient,
  keyExists: KeyExists,
  writes?: boolean,
): RouteOutcome {
  const info = routeInfoOf(spec);
  const keyIndex = info.singleKey;
  if (keyIndex > 0 && keyIndex < argv.length && view.stateOk) {
    // The fast path (GET, SET...): one key, in a stable slot served here. Anything else takes
    // the general path below, which gives the same answer for these cases.
    const slot = keyHashSlot(argv[keyIndex] as string);
    if (view.ownerOf(slot) === view.myselfId && view.migratingTo(slot) === null) {
      lastSlot = slot;
      return null;
    }
  }
  query.reset(view, keyExists, info.shardPubsub);
  routingKeys(spec, argv, addKey);
  const write = writes ?? info.write;
  return decide(view, spec, client, info.shardPubsub, write, write);
}

/**
 * EXEC: every queued command's keys must be in one slot served here (Redis runs getNodeByQuery
 * over the whole transaction). `exec` is EXEC's own spec: its flags (not the queued commands')
 * decide the cluster-down read-only case, as in Redis.
 */
export function routeTransaction(
  view: RoutingView,
  exec: CommandSpec,
  queued: readonly RoutedCommand[],
  client: RoutingClient,
  keyExists: KeyExists,
): RouteOutcome {
  query.reset(view, keyExists, false);
  let anyWrite = false;
  for (const { command, argv } of queued) {
    const spec = command.spec;
    if (spec.flags.has('write')) anyWrite = true;
    routingKeys(spec, argv, addKey);
    if (query.error !== null) break;
  }
  return decide(view, exec, client, false, exec.flags.has('write'), anyWrite);
}

/**
 * The part of getNodeByQuery after the keys were gathered, then the redirect text.
 * `commandWrites`: the command's own write flag (the cluster-down check); `isWrite`: Redis's
 * is_write_command, which for EXEC also counts the queued commands (the READONLY check).
 */
function decide(view: RoutingView, spec: CommandSpec, client: RoutingClient, shardPubsub: boolean, commandWrites: boolean, isWrite: boolean): RouteOutcome {
  const outcome = decideOutcome(view, spec, client, shardPubsub, commandWrites, isWrite);
  if (outcome === null) lastSlot = query.firstKey === undefined ? -1 : query.slot;
  return outcome;
}

function decideOutcome(view: RoutingView, spec: CommandSpec, client: RoutingClient, shardPubsub: boolean, commandWrites: boolean, isWrite: boolean): RouteOutcome {
  if (query.error !== null) return query.error;
  const owner = query.owner;
  // No key at all: served here whatever the cluster state.
  if (query.firstKey === undefined || owner === null) return null;
  const flags = spec.flags;
  if (!view.stateOk) {
    if (shardPubsub) {
      if (!view.allowPubsubshardWhenDown) return RoutingErrors.down;
    } else if (!view.allowReadsWhenDown) {
      return RoutingErrors.down;
    } else if (commandWrites) {
      return RoutingErrors.downReadOnly;
    }
  }
  const slot = query.slot;
  // MIGRATE moves keys freely while a slot is open.
  if ((query.migrating || query.importing) && spec.fullName === 'migrate') return null;
  if (query.migrating && query.missingKeys > 0) {
    if (query.existingKeys > 0) return RoutingErrors.tryAgain;
    const target = view.migratingTo(slot) as string;
    return RoutingErrors.ask(slot, view.endpointOf(target));
  }
  if (query.importing && (client.clusterAsking || flags.has('asking'))) {
    if (query.multipleKeys && query.missingKeys > 0) return RoutingErrors.tryAgain;
    return null;
  }
  const myself = view.myselfId;
  if ((client.clusterReadonly || shardPubsub) && !isWrite && view.myMasterId !== null && view.myMasterId === owner) return null;
  if (owner === myself) return null;
  return RoutingErrors.moved(slot, view.endpointOf(owner));
}

/**
 * A blocked client's keys after the cluster changed (Redis 7.0's
 * clusterRedirectBlockedClientIfNeeded): the error to unblock it with, or null to keep waiting.
 * `firstKey`: the first key it waits on (all its keys share one slot); `isWrite`: the blocking
 * command is a write (BLMOVE...). Not for clients blocked without keys (WAIT).
 */
export function redirectBlocked(view: RoutingView, firstKey: string, client: RoutingClient, isWrite: boolean): RouteOutcome {
  if (!view.stateOk) return RoutingErrors.down;
  const slot = keyHashSlot(firstKey);
  let owner = view.ownerOf(slot);
  const myself = view.myselfId;
  if (client.clusterReadonly && !isWrite && view.myMasterId !== null && view.myMasterId === owner) owner = myself;
  if (owner !== myself && view.importingFrom(slot) === null) {
    if (owner === null) return RoutingErrors.notServed;
    return RoutingErrors.moved(slot, view.endpointOf(owner));
  }
  return null;
}
