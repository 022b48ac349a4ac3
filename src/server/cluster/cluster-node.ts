/**
 * The cluster side of a node: where the pure state machine (src/cluster/state, `step`) meets
 * sockets, timers, the file system and the rest of the server (docs/cluster-runtime.md).
 *
 * - Inputs: a 100 ms tick, bus link events and decoded messages (src/cluster/bus/links.ts), and
 *   CLUSTER commands. Each goes through `step`, which returns the next state and effects.
 * - Effects are queued and applied once per event-loop turn (Redis's clusterBeforeSleep): sends
 *   encoded, links opened and closed, nodes.conf saved at most once per turn, bus PUBLISH
 *   delivered through the pub/sub hub, keys of lost slots dropped.
 * - The node is also the RoutingView dispatch routes keyed commands by (src/cluster/routing.ts).
 */
import { encodeMessage } from '../../cluster/bus/codec.js';
import { ClusterBus } from '../../cluster/bus/links.js';
import type { ClusterMessage } from '../../cluster/bus/message.js';
import type { NodesConf } from '../../cluster/nodes-conf.js';
import { loadClusterState, newClusterState } from '../../cluster/state/create.js';
import { nodeLines } from '../../cluster/state/views.js';
import { preferredEndpoint, type RoutingView } from '../../cluster/routing.js';
import type {
  ClusterCommand,
  ClusterEffect,
  ClusterInput,
  ClusterSettings,
  ClusterState,
  CommandContext,
  CommandReply,
  StepFunction,
} from '../../cluster/state/types.js';
import type { ClusterFacade, LinkBuffers } from '../../commands/cluster/cluster-facade.js';
import type { Keyspace } from '../../keyspace/keyspace.js';
import type { Clock } from '../../lib/clock.js';
import type { Random } from '../../lib/random.js';
import type { ConfigStore } from '../config/config-store.js';
import type { Logger } from '../log.js';
import { NodesConfFile, NodesConfFileError } from './nodes-conf-file.js';
import { isAbsolute, join } from 'node:path';

/** clusterCron runs every 100 ms in Redis (clusterCron is called 10 times per second). */
export const CLUSTER_TICK_MS = 100;
/** CLUSTER_PORT_INCR. */
const BUS_PORT_OFFSET = 10_000;

/** What the cluster node needs from the server it runs in. */
export interface ClusterNodeHost {
  readonly config: ConfigStore;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: Random;
  readonly keyspace: Keyspace;
  /** The client port actually bound. */
  readonly boundPort: number;
  /** Delivers a message from the bus to local subscribers (the pub/sub hub's one path). */
  deliverPublish(channel: string, message: string, shard: boolean): void;
  /** Slots, open slots or cluster_state changed: redirect blocked clients if needed. */
  routingChanged(): void;
  /** Keys removed behind the clients' backs (lost slots, RESET HARD): WATCH and blocked clients see it. */
  keysRemoved(dbIndex: number | null, keys: readonly string[] | null): void;
  /**
   * A key of a lost slot was deleted: it reaches the AOF (and replicas, later) as DEL, or
   * UNLINK with lazyfree-lazy-server-del, and counts as a change for save points.
   */
  propagateDeletion(dbIndex: number, key: string): void;
}

export interface ClusterNodeOptions {
  readonly host: ClusterNodeHost;
  readonly step: StepFunction;
}

/** The cluster directives `step` reads; a CONFIG SET of one feeds a `settings` input. */
const SETTINGS_DIRECTIVES = [
  'cluster-node-timeout',
  'cluster-require-full-coverage',
  'cluster-allow-reads-when-down',
  'cluster-allow-replica-migration',
  'cluster-announce-ip',
  'cluster-announce-port',
  'cluster-announce-tls-port',
  'cluster-announce-bus-port',
  'cluster-announce-hostname',
];

export class ClusterNode implements ClusterFacade, RoutingView {
  readonly #host: ClusterNodeHost;
  readonly #step: StepFunction;
  readonly #bus: ClusterBus;
  readonly #file: NodesConfFile;
  #state!: ClusterState;
  #pending: ClusterEffect[] = [];
  #flushScheduled = false;
  #saveRequested = false;
  #tickTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ClusterNodeOptions) {
    this.#host = options.host;
    this.#step = options.step;
    const configFile = this.#host.config.value('cluster-config-file');
    const dir = this.#host.config.value('dir');
    // The CLI chdirs to `dir`; an in-process node does not, so a relative name is joined to it.
    this.#file = new NodesConfFile(isAbsolute(configFile) ? configFile : join(dir, configFile));
    this.#bus = new ClusterBus({
      events: {
        linkUp: (link) => this.#feed({ kind: 'linkConnected', linkId: link.id, localIp: link.localIp }),
        linkDown: (link) => this.#feed({ kind: 'linkClosed', linkId: link.id }),
        inboundAccepted: (link) => this.#feed({ kind: 'linkAccepted', linkId: link.id, peerIp: link.remoteIp, localIp: link.localIp }),
        message: (link, message) => this.#feed({ kind: 'message', linkId: link.id, message }),
      },
      log: (level, message) => this.#host.logger.log(level, message),
      nowMs: () => this.#host.clock.nowMs(),
      sendBufferBytesMax: Number(this.#host.config.value('cluster-link-sendbuf-limit')),
    });
  }

  /**
   * Loads (or creates) nodes.conf, listens on the bus port and starts the tick. Throws
   * NodesConfFileError for a locked or corrupt file (the CLI prints it and exits 1).
   */
  async start(): Promise<void> {
    const nowMs = this.#host.clock.nowMs();
    this.#file.lock();
    const loaded = this.#file.load();
    const busPortWanted = this.#busPortWanted();
    const hosts = this.#bindHosts();
    await this.#bus.listen(hosts, busPortWanted);
    const settings = this.#settings();
    if (loaded === null) {
      this.#state = newClusterState(settings, { nowMs, random: this.#host.random });
      this.#host.logger.notice(`No cluster configuration found, I'm ${this.#state.config.myselfId}`);
      this.#file.save(nodesConfOf(this.#state));
    } else {
      const result = loadClusterState(loaded, settings, nowMs);
      if (!result.ok) throw new NodesConfFileError(`Unrecoverable error: corrupted cluster config file "${this.#file.path}": ${result.error}`);
      this.#state = result.state;
      this.#host.logger.notice(`Node configuration loaded, I'm still ${this.#state.config.myselfId}`);
    }
    for (const name of SETTINGS_DIRECTIVES) this.#host.config.onChange(name, () => this.#feed({ kind: 'settings', settings: this.#settings() }));
    this.#host.config.onChange('cluster-link-sendbuf-limit', (value) => (this.#bus.sendBufferBytesMax = Number(value)));
    this.#tickTimer = setInterval(() => this.#feed({ kind: 'tick' }), CLUSTER_TICK_MS);
    this.#tickTimer.unref();
    // The first tick at once: links to known nodes are opened without waiting 100 ms.
    this.#feed({ kind: 'tick' });
  }

  /** Saves nodes.conf one last time, closes the bus and releases the file. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#tickTimer !== undefined) clearInterval(this.#tickTimer);
    this.#flush();
    await this.#bus.close();
    this.#file.unlock();
  }

  get busPort(): number {
    return this.#bus.boundPort;
  }

  // ---- the state machine -------------------------------------------------------------------

  #feed(input: ClusterInput): CommandReply | undefined {
    if (this.#stopped) return undefined;
    const previous = this.#state;
    const result = this.#step(previous, input, { nowMs: this.#host.clock.nowMs(), random: this.#host.random });
    this.#state = result.state;
    if (result.effects.length > 0) {
      for (const effect of result.effects) this.#pending.push(effect);
      this.#scheduleFlush();
    }
    if (result.state.config !== previous.config || result.state.runtime.health !== this.#lastHealth) {
      this.#lastHealth = result.state.runtime.health;
      this.#host.routingChanged();
    }
    return result.reply;
  }

  #lastHealth: 'ok' | 'fail' = 'fail';

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  /** Applies the queued effects in order; nodes.conf is written once, from the latest state. */
  #flush(): void {
    this.#flushScheduled = false;
    const effects = this.#pending;
    this.#pending = [];
    const encoded = new Map<ClusterMessage, Buffer>();
    const frameOf = (message: ClusterMessage): Buffer => {
      let frame = encoded.get(message);
      if (frame === undefined) encoded.set(message, (frame = encodeMessage(message)));
      return frame;
    };
    for (const effect of effects) {
      switch (effect.kind) {
        case 'send':
          this.#bus.send(effect.linkId, frameOf(effect.message));
          break;
        case 'broadcast': {
          const frame = frameOf(effect.message);
          for (const linkId of effect.linkIds) this.#bus.send(linkId, frame);
          break;
        }
        case 'connect':
          this.#bus.connect(effect.linkId, effect.ip, effect.busPort);
          break;
        case 'closeLink':
          this.#bus.closeLink(effect.linkId);
          break;
        case 'saveConfig':
          this.#saveRequested = true;
          break;
        case 'deliverPublish':
          this.#host.deliverPublish(effect.channel, effect.message, effect.shard);
          break;
        case 'dropSlotKeys':
          this.#dropSlotKeys(effect.slots);
          break;
        case 'replicaOf':
          this.#host.logger.warning(
            effect.masterId === null
              ? 'Cluster asks this node to become a master: replication is not built yet, nothing to stop.'
              : `Cluster asks this node to replicate ${effect.masterId}: replication is not built yet, the node stays without data from it.`,
          );
          break;
        case 'flushData':
          this.#host.keyspace.flushAll();
          this.#host.keysRemoved(null, null);
          break;
        case 'log':
          this.#host.logger.log(effect.level, effect.text);
          break;
      }
    }
    if (this.#saveRequested) this.#save();
  }

  /** Writes nodes.conf from the current state; the error text, or null when saved. */
  #save(): string | null {
    this.#saveRequested = false;
    try {
      this.#file.save(nodesConfOf(this.#state));
      return null;
    } catch (error) {
      // Redis exits here ("Fatal: can't update cluster config file"); we log and go on serving.
      const message = (error as Error).message;
      this.#host.logger.warning(`Could not save the cluster config file ${this.#file.path}: ${message}`);
      return message;
    }
  }

  /**
   * Redis's delKeysInSlot for the slots an UPDATE (or a claim with a greater configEpoch) took
   * away. Redis 7.0.15 deletes without propagating, so a restart from the AOF would bring the
   * keys back; like Redis 7.2 (and its fix) each deletion propagates as DEL. No keyspace
   * event: Redis 7.2 tells modules only (moduleNotifyKeyspaceEvent), 7.0 nobody.
   */
  #dropSlotKeys(slots: readonly number[]): void {
    const db = this.#host.keyspace.db(0);
    const removed: string[] = [];
    for (const slot of slots) {
      const count = db.countKeysInSlot(slot);
      if (count === 0) continue;
      for (const key of db.keysInSlot(slot, count)) {
        db.delete(key);
        this.#host.propagateDeletion(0, key);
        removed.push(key);
      }
    }
    if (removed.length === 0) return;
    this.#host.keysRemoved(0, removed);
    this.#host.logger.notice(`Deleted ${removed.length} keys from slots this node no longer serves.`);
  }

  // ---- settings from the directives --------------------------------------------------------

  #busPortWanted(): number {
    const configured = Number(this.#host.config.value('cluster-port'));
    if (configured !== 0) return configured;
    const port = Number(this.#host.config.value('port'));
    // port 0 (tests): the OS picks the bus port too.
    if (port === 0) return 0;
    if (port + BUS_PORT_OFFSET > 65535) {
      throw new NodesConfFileError(
        'Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis port. Your Redis port number must be 55535 or less.',
      );
    }
    return port + BUS_PORT_OFFSET;
  }

  #bindHosts(): string[] {
    const hosts: string[] = [];
    for (const entry of this.#host.config.value('bind').split(/\s+/)) {
      if (entry === '') continue;
      const address = entry.startsWith('-') ? entry.slice(1) : entry;
      hosts.push(address === '*' ? '0.0.0.0' : address === '::*' ? '::' : address);
    }
    // Dual-stack '::' after '0.0.0.0' would clash on Linux; the IPv4 wildcard is enough here.
    return hosts.length === 0 ? ['0.0.0.0'] : hosts.filter((host) => !(host === '::' && hosts.includes('0.0.0.0')));
  }

  #settings(): ClusterSettings {
    const value = (name: string) => this.#host.config.value(name);
    return {
      port: this.#host.boundPort,
      pport: 0,
      busPort: this.#bus.boundPort,
      nodeTimeoutMs: Number(value('cluster-node-timeout')),
      requireFullCoverage: value('cluster-require-full-coverage') === 'yes',
      allowReadsWhenDown: value('cluster-allow-reads-when-down') === 'yes',
      allowReplicaMigration: value('cluster-allow-replica-migration') === 'yes',
      announceIp: value('cluster-announce-ip'),
      announcePort: Number(value('cluster-announce-port')),
      announcePport: Number(value('cluster-announce-tls-port')),
      announceBusPort: Number(value('cluster-announce-bus-port')),
      announceHostname: value('cluster-announce-hostname'),
    };
  }

  // ---- ClusterFacade -----------------------------------------------------------------------

  get state(): ClusterState {
    return this.#state;
  }

  command(command: ClusterCommand, context: CommandContext): CommandReply {
    const reply = this.#feed({ kind: 'command', command, context }) ?? { kind: 'error', message: 'ERR cluster node stopped' };
    if (command.kind === 'saveConfig' && reply.kind === 'ok') {
      // CLUSTER SAVECONFIG answers after the file is written (clusterSaveConfig(1)).
      this.#flush();
      const error = this.#save();
      if (error !== null) return { kind: 'error', message: `ERR error saving the cluster node config: ${error}` };
    }
    return reply;
  }

  publish(channel: string, message: string, shard: boolean): void {
    this.#feed({ kind: 'command', command: { kind: 'publish', channel, message, shard } });
  }

  get preferredEndpointType(): 'ip' | 'hostname' | 'unknown-endpoint' {
    return this.#host.config.value('cluster-preferred-endpoint-type') as 'ip' | 'hostname' | 'unknown-endpoint';
  }

  linkBuffers(linkId: string): LinkBuffers | undefined {
    return this.#bus.link(linkId);
  }

  get linksOverSendLimit(): number {
    return this.#bus.linksOverSendLimit;
  }

  get replicationOffset(): number {
    return 0;
  }

  // ---- RoutingView -------------------------------------------------------------------------

  get stateOk(): boolean {
    return this.#state.runtime.health === 'ok';
  }

  get myselfId(): string {
    return this.#state.config.myselfId;
  }

  get myMasterId(): string | null {
    return this.#state.config.nodes.get(this.#state.config.myselfId)?.masterId ?? null;
  }

  ownerOf(slot: number): string | null {
    return this.#state.config.slotOwners[slot] ?? null;
  }

  migratingTo(slot: number): string | null {
    return this.#state.config.migratingTo.get(slot) ?? null;
  }

  importingFrom(slot: number): string | null {
    return this.#state.config.importingFrom.get(slot) ?? null;
  }

  endpointOf(nodeId: string): string {
    const node = this.#state.config.nodes.get(nodeId);
    if (node === undefined) return '?:0';
    return preferredEndpoint(this.preferredEndpointType, node.ip, node.hostname, node.port);
  }

  get allowReadsWhenDown(): boolean {
    return this.#state.settings.allowReadsWhenDown;
  }

  get allowPubsubshardWhenDown(): boolean {
    return this.#host.config.value('cluster-allow-pubsubshard-when-down') === 'yes';
  }
}

/** What clusterSaveConfig writes: every node but those in handshake, then the vars line. */
function nodesConfOf(state: ClusterState): NodesConf {
  return {
    nodes: nodeLines(state, { excludeHandshake: true }),
    vars: { currentEpoch: state.config.currentEpoch, lastVoteEpoch: state.config.lastVoteEpoch },
  };
}
