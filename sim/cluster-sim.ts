/**
 * N cluster state machines in one process on a simulated clock and a seeded faulty network. Every
 * message goes through encodeMessage / decodeMessage, as on a real bus. Connections are modelled
 * as pairs of link ids (the outbound id the state machine chose, 'in:<n>' on the accepting side).
 */
import { encodeMessage, decodeMessage } from '../src/cluster/bus/codec.js';
import { formatNodesConf, parseNodesConf } from '../src/cluster/nodes-conf.js';
import { defaultSettings, loadClusterState, newClusterState } from '../src/cluster/state/create.js';
import { nodeLines } from '../src/cluster/state/views.js';
import { step } from '../src/cluster/state/step.js';
import type { ClusterCommand, ClusterEffect, ClusterInput, ClusterSettings, ClusterState, CommandReply, LinkId } from '../src/cluster/state/types.js';
import { SeededRandom, type Random } from '../src/lib/random.js';
import { EventQueue } from './event-queue.js';
import { Network, RELIABLE, type FaultProfile } from './network.js';

export const SIM_START_MS = 1_700_000_000_000;
const TICK_PERIOD_MS = 100;

export interface SimNode {
  readonly index: number;
  /** Changes only across a restart (a node that comes back elsewhere). */
  ip: string;
  readonly port: number;
  readonly busPort: number;
  readonly random: Random;
  state: ClusterState;
  alive: boolean;
  readonly published: { channel: string; message: string; shard: boolean }[];
  saves: number;
  /** The last nodes.conf this node wrote (what a restart loads). */
  nodesConf: string;
  restarts: number;
}

interface Connection {
  readonly id: number;
  readonly from: number;
  readonly fromLink: LinkId;
  readonly to: number;
  readonly toLink: LinkId;
  open: boolean;
  accepted: boolean;
}

type SimEvent =
  | { kind: 'tick'; node: number }
  | { kind: 'connected'; conn: number }
  | { kind: 'accepted'; conn: number }
  | { kind: 'connectFailed'; node: number; linkId: LinkId }
  | { kind: 'deliver'; conn: number; toNode: number; frame: Buffer }
  | { kind: 'closed'; node: number; linkId: LinkId; conn: number }
  | { kind: 'action'; label: string; run: () => void };

function nodesConfOf(state: ClusterState): string {
  const { currentEpoch, lastVoteEpoch } = state.config;
  return formatNodesConf({ nodes: nodeLines(state, { excludeHandshake: true }), vars: { currentEpoch, lastVoteEpoch } });
}

/** Thrown by an invariant check; carries the time and node for the report. */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

export interface SimOptions {
  readonly seed: number;
  readonly nodeCount: number;
  readonly profile?: FaultProfile;
  readonly settings?: Partial<ClusterSettings>;
  readonly verbose?: boolean;
  /** Called after every step of a node with its state before and after. */
  readonly checkStep?: (sim: ClusterSim, node: SimNode, before: ClusterState, after: ClusterState) => void;
}

export class ClusterSim {
  readonly nodes: SimNode[] = [];
  readonly network: Network;
  readonly random: Random;
  readonly verbose: boolean;
  nowMs = SIM_START_MS;
  stepCount = 0;
  messagesDelivered = 0;
  readonly #queue = new EventQueue<SimEvent>();
  readonly #connections = new Map<number, Connection>();
  /** node index → its link id → connection id */
  readonly #linkToConn: Map<LinkId, number>[] = [];
  #nextConn = 0;
  readonly #checkStep: SimOptions['checkStep'];
  readonly logLines: string[] = [];

  constructor(options: SimOptions) {
    this.random = new SeededRandom(options.seed);
    this.network = new Network(new SeededRandom(options.seed ^ 0x5eed), options.profile ?? RELIABLE);
    this.verbose = options.verbose ?? false;
    this.#checkStep = options.checkStep;
    for (let i = 0; i < options.nodeCount; i++) {
      const random = new SeededRandom((options.seed * 7919 + i * 104729) >>> 0);
      const port = 7000;
      const settings: ClusterSettings = { ...defaultSettings(port), nodeTimeoutMs: 2000, ...options.settings };
      const node: SimNode = {
        index: i,
        ip: `10.0.${i >> 8}.${(i & 255) + 1}`,
        port,
        busPort: settings.busPort,
        random,
        state: newClusterState(settings, { nowMs: this.nowMs, random }),
        alive: true,
        published: [],
        saves: 0,
        nodesConf: '',
        restarts: 0,
      };
      node.nodesConf = nodesConfOf(node.state);
      this.nodes.push(node);
      this.#linkToConn.push(new Map());
      this.#queue.push(this.nowMs + 1 + this.random.int(TICK_PERIOD_MS), { kind: 'tick', node: i });
    }
  }

  log(text: string): void {
    const line = `[${this.nowMs - SIM_START_MS}ms] ${text}`;
    this.logLines.push(line);
    if (this.logLines.length > 2000) this.logLines.shift();
    if (this.verbose) console.log(line);
  }

  /** Schedules an action (a command, a partition...) at a time relative to the start. */
  at(relativeMs: number, label: string, run: () => void): void {
    this.#queue.push(SIM_START_MS + relativeMs, { kind: 'action', label, run });
  }

  /** Runs a command on a node now; returns its reply. */
  command(index: number, command: ClusterCommand): CommandReply {
    const result = this.#step(index, { kind: 'command', command });
    return result ?? { kind: 'error', message: 'no reply' };
  }

  /** Runs every event up to `untilMs` (absolute), or until `stop` says so (checked each event). */
  runUntil(untilMs: number, stop?: () => boolean): void {
    for (;;) {
      const next = this.#queue.peek();
      if (next === undefined || next.atMs > untilMs) break;
      this.#queue.pop();
      this.nowMs = Math.max(this.nowMs, next.atMs);
      this.#handle(next.event);
      if (stop?.() === true) return;
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  #handle(event: SimEvent): void {
    switch (event.kind) {
      case 'tick':
        this.#queue.push(this.nowMs + TICK_PERIOD_MS, event);
        this.#step(event.node, { kind: 'tick' });
        return;
      case 'action':
        this.log(`action: ${event.label}`);
        event.run();
        return;
      case 'connectFailed':
        this.#step(event.node, { kind: 'linkClosed', linkId: event.linkId });
        return;
      case 'accepted': {
        const conn = this.#connections.get(event.conn);
        if (conn === undefined || !conn.open) return;
        conn.accepted = true;
        this.#linkToConn[conn.to]!.set(conn.toLink, conn.id);
        const from = this.nodes[conn.from]!;
        const to = this.nodes[conn.to]!;
        this.#step(conn.to, { kind: 'linkAccepted', linkId: conn.toLink, peerIp: from.ip, localIp: to.ip });
        return;
      }
      case 'connected': {
        const conn = this.#connections.get(event.conn);
        if (conn === undefined || !conn.open) return;
        this.#step(conn.from, { kind: 'linkConnected', linkId: conn.fromLink, localIp: this.nodes[conn.from]!.ip });
        return;
      }
      case 'deliver': {
        const conn = this.#connections.get(event.conn);
        if (conn === undefined || !conn.open) return;
        const linkId = event.toNode === conn.to ? conn.toLink : conn.fromLink;
        if (event.toNode === conn.to && !conn.accepted) return;
        const decoded = decodeMessage(event.frame);
        if (!decoded.ok) throw new InvariantViolation(`frame we encoded does not decode: ${decoded.error.detail}`);
        this.messagesDelivered++;
        this.#step(event.toNode, { kind: 'message', linkId, message: decoded.message });
        return;
      }
      case 'closed': {
        const conn = this.#connections.get(event.conn);
        if (conn !== undefined) conn.open = false;
        this.#linkToConn[event.node]!.delete(event.linkId);
        this.#step(event.node, { kind: 'linkClosed', linkId: event.linkId });
        return;
      }
    }
  }

  #step(index: number, input: ClusterInput): CommandReply | undefined {
    const node = this.nodes[index]!;
    if (!node.alive) return undefined;
    const before = node.state;
    const result = step(before, input, { nowMs: this.nowMs, random: node.random });
    node.state = result.state;
    this.stepCount++;
    this.#checkStep?.(this, node, before, result.state);
    for (const effect of result.effects) this.#apply(node, effect);
    return result.reply;
  }

  #apply(node: SimNode, effect: ClusterEffect): void {
    switch (effect.kind) {
      case 'send':
        this.#send(node.index, effect.linkId, encodeMessage(effect.message));
        return;
      case 'broadcast': {
        const frame = encodeMessage(effect.message);
        for (const linkId of effect.linkIds) this.#send(node.index, linkId, frame);
        return;
      }
      case 'connect': {
        const target = this.nodes.find((other) => other.ip === effect.ip && other.busPort === effect.busPort && other.alive);
        const delay = this.network.delayMs();
        if (target === undefined || !this.network.connectSucceeds(node.index, target.index)) {
          this.#queue.push(this.nowMs + delay, { kind: 'connectFailed', node: node.index, linkId: effect.linkId });
          return;
        }
        const id = this.#nextConn++;
        const conn: Connection = { id, from: node.index, fromLink: effect.linkId, to: target.index, toLink: `in:${id}`, open: true, accepted: false };
        this.#connections.set(id, conn);
        this.#linkToConn[node.index]!.set(effect.linkId, id);
        this.#queue.push(this.nowMs + delay, { kind: 'accepted', conn: id });
        this.#queue.push(this.nowMs + delay, { kind: 'connected', conn: id });
        return;
      }
      case 'closeLink': {
        const connId = this.#linkToConn[node.index]!.get(effect.linkId);
        this.#linkToConn[node.index]!.delete(effect.linkId);
        if (connId === undefined) return;
        const conn = this.#connections.get(connId)!;
        if (!conn.open) return;
        conn.open = false;
        const [peer, peerLink] = conn.from === node.index ? [conn.to, conn.toLink] : [conn.from, conn.fromLink];
        if (peer === conn.to && !conn.accepted) return;
        this.#queue.push(this.nowMs + this.network.delayMs(), { kind: 'closed', node: peer, linkId: peerLink, conn: conn.id });
        return;
      }
      case 'saveConfig':
        node.saves++;
        node.nodesConf = nodesConfOf(node.state);
        return;
      case 'deliverPublish':
        node.published.push({ channel: effect.channel, message: effect.message, shard: effect.shard });
        return;
      case 'log':
        if (this.verbose) this.log(`node ${node.index} ${effect.level}: ${effect.text}`);
        return;
      case 'dropSlotKeys':
      case 'replicaOf':
      case 'flushData':
        this.log(`node ${node.index} effect ${effect.kind}`);
        return;
    }
  }

  /** kill -9: the process is gone, its connections reset (peers see them close). */
  crash(index: number): void {
    const node = this.nodes[index]!;
    node.alive = false;
    for (const conn of this.#connections.values()) {
      if (!conn.open || (conn.from !== index && conn.to !== index)) continue;
      conn.open = false;
      const [peer, peerLink] = conn.from === index ? [conn.to, conn.toLink] : [conn.from, conn.fromLink];
      if (peer === conn.to && !conn.accepted) continue;
      this.#queue.push(this.nowMs + this.network.delayMs(), { kind: 'closed', node: peer, linkId: peerLink, conn: conn.id });
    }
    this.#linkToConn[index]!.clear();
  }

  /** A restart loads the last nodes.conf the node wrote: same id, epochs and slots. */
  restart(index: number, newIp?: string): void {
    const node = this.nodes[index]!;
    if (newIp !== undefined) node.ip = newIp;
    const conf = parseNodesConf(node.nodesConf);
    if (!conf.ok) throw new InvariantViolation(`node ${index} wrote a nodes.conf it cannot read: ${conf.error}`);
    const loaded = loadClusterState(conf.value, node.state.settings, this.nowMs);
    if (!loaded.ok) throw new InvariantViolation(`node ${index} cannot load its nodes.conf: ${loaded.error}`);
    node.state = loaded.state;
    node.alive = true;
    node.restarts++;
  }

  #send(from: number, linkId: LinkId, frame: Buffer): void {
    const connId = this.#linkToConn[from]!.get(linkId);
    if (connId === undefined) return;
    const conn = this.#connections.get(connId)!;
    if (!conn.open) return;
    const to = conn.from === from ? conn.to : conn.from;
    const copies = this.network.copies(from, to);
    for (let i = 0; i < copies; i++) this.#queue.push(this.nowMs + this.network.delayMs(), { kind: 'deliver', conn: connId, toNode: to, frame });
  }
}
