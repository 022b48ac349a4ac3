/**
 * The working set of one `step`: a config draft, the runtime record, the settings, the env, and
 * the effects produced so far. Also the "to do before sleep" flags of Redis's clusterDoBeforeSleep,
 * which `step` honours once at the end of every input.
 */
import { ConfigDraft } from '../config.js';
import { MESSAGE_TYPE_COUNT } from '../bus/constants.js';
import type { ClusterMessage } from '../bus/message.js';
import type {
  ClusterEffect,
  ClusterRuntime,
  ClusterSettings,
  ClusterState,
  LinkId,
  LogLevel,
  NodeId,
  NodeRuntime,
  StepEnv,
} from './types.js';

/** CLUSTER_TODO_*. */
export const Todo = {
  updateState: 1 << 1,
  saveConfig: 1 << 2,
  fsyncConfig: 1 << 3,
} as const;

export function newNodeRuntime(): NodeRuntime {
  return {
    pingSentAtMs: 0,
    pongReceivedAtMs: 0,
    dataReceivedAtMs: 0,
    failTimeMs: 0,
    votedAtMs: 0,
    replOffset: 0,
    replOffsetAtMs: 0,
    orphanedAtMs: 0,
    failReports: new Map(),
    outboundLinkId: null,
    inboundLinkId: null,
    lastInPingGossip: 0,
    sentExtensions: false,
  };
}

export class StepContext {
  readonly draft: ConfigDraft;
  readonly runtime: ClusterRuntime;
  settings: ClusterSettings;
  readonly env: StepEnv;
  readonly effects: ClusterEffect[] = [];
  todo = 0;

  constructor(state: ClusterState, env: StepEnv) {
    this.draft = new ConfigDraft(state.config);
    this.runtime = state.runtime;
    this.settings = state.settings;
    this.env = env;
  }

  get nowMs(): number {
    return this.env.nowMs;
  }

  doBeforeSleep(flags: number): void {
    this.todo |= flags;
  }

  /** The runtime record of a node, created on first use (nodes loaded or learned). */
  nodeRuntime(id: NodeId): NodeRuntime {
    let record = this.runtime.nodes.get(id);
    if (record === undefined) {
      record = newNodeRuntime();
      this.runtime.nodes.set(id, record);
    }
    return record;
  }

  log(level: LogLevel, text: string): void {
    this.effects.push({ kind: 'log', level, text });
  }

  /** Whether a link exists and is connected (sends go only to connected links). */
  linkConnected(linkId: LinkId | null): linkId is LinkId {
    if (linkId === null) return false;
    return this.runtime.links.get(linkId)?.connected === true;
  }

  /** clusterSendMessage: a message on one link; a missing or unconnected link drops it. */
  send(linkId: LinkId | null, message: ClusterMessage): void {
    if (!this.linkConnected(linkId)) return;
    this.#countSent(message.header.type, 1);
    this.effects.push({ kind: 'send', linkId, message });
  }

  /** One message to many links (encoded once by the I/O side). */
  broadcast(linkIds: readonly (LinkId | null)[], message: ClusterMessage): void {
    const connected = linkIds.filter((id): id is LinkId => this.linkConnected(id));
    if (connected.length === 0) return;
    this.#countSent(message.header.type, connected.length);
    this.effects.push({ kind: 'broadcast', linkIds: connected, message });
  }

  #countSent(type: number, count: number): void {
    if (type < MESSAGE_TYPE_COUNT) this.runtime.stats.sentByType[type] = (this.runtime.stats.sentByType[type] ?? 0) + count;
  }
}
