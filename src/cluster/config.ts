/**
 * ClusterConfig: queries, and ConfigDraft, the one way to change it. A draft copies the parts it
 * changes on first write (the nodes Map, the 16384-entry owner array, the open-slot Maps) and
 * `finish()` returns the original object when nothing changed, so `next === previous` tells a
 * caller that the config (what nodes.conf holds) is the same. Pure.
 */
import { assert } from '../lib/assert.js';
import { SLOT_COUNT } from '../lib/hash-slot.js';
import { NodeFlag } from './node-flags.js';
import { emptySlotBitmap } from './slot-bitmap.js';
import type { ClusterConfig, ClusterNode, NodeId } from './state/types.js';

export function isMaster(node: ClusterNode): boolean {
  return (node.flags & NodeFlag.master) !== 0;
}
export function isReplica(node: ClusterNode): boolean {
  return (node.flags & NodeFlag.slave) !== 0;
}
export function inHandshake(node: ClusterNode): boolean {
  return (node.flags & NodeFlag.handshake) !== 0;
}
export function isFailed(node: ClusterNode): boolean {
  return (node.flags & NodeFlag.fail) !== 0;
}
export function isTimedOut(node: ClusterNode): boolean {
  return (node.flags & NodeFlag.pfail) !== 0;
}
export function hasAddress(node: ClusterNode): boolean {
  return (node.flags & NodeFlag.noaddr) === 0;
}

/** verifyClusterNodeId: 40 characters in [a-z0-9] (Redis accepts any lowercase letter). */
export function isValidNodeId(id: string): boolean {
  return /^[a-z0-9]{40}$/.test(id);
}

export function myself(config: ClusterConfig): ClusterNode {
  const node = config.nodes.get(config.myselfId);
  assert(node !== undefined, 'myself is always in the node table');
  return node;
}

/** The node that sends its slots and epoch for us: myself, or my master when I am a replica. */
export function myShardMaster(config: ClusterConfig): ClusterNode {
  const me = myself(config);
  if (isReplica(me) && me.masterId !== null) return config.nodes.get(me.masterId) ?? me;
  return me;
}

/** The configEpoch a node is printed with (a replica shows its master's). */
export function printedConfigEpoch(config: ClusterConfig, node: ClusterNode): number {
  if (isReplica(node) && node.masterId !== null) {
    const master = config.nodes.get(node.masterId);
    if (master !== undefined) return master.configEpoch;
  }
  return node.configEpoch;
}

/** clusterGetMaxEpoch: the greatest configEpoch known, or currentEpoch when greater. */
export function maxEpoch(config: ClusterConfig): number {
  let max = 0;
  for (const node of config.nodes.values()) max = Math.max(max, node.configEpoch);
  return Math.max(max, config.currentEpoch);
}

/** The replicas of a master, in node-table order. */
export function replicasOf(config: ClusterConfig, masterId: NodeId): ClusterNode[] {
  const out: ClusterNode[] = [];
  for (const node of config.nodes.values()) if (isReplica(node) && node.masterId === masterId) out.push(node);
  return out;
}

interface SlotIndex {
  readonly counts: Map<NodeId, number>;
  readonly bitmaps: Map<NodeId, Uint8Array>;
}
/** Owner arrays are never mutated, so an index built for one stays right for its life. */
const slotIndexes = new WeakMap<readonly (NodeId | null)[], SlotIndex>();

function buildSlotIndex(owners: readonly (NodeId | null)[]): SlotIndex {
  const index: SlotIndex = { counts: new Map(), bitmaps: new Map() };
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owner = owners[slot];
    if (owner === null || owner === undefined) continue;
    index.counts.set(owner, (index.counts.get(owner) ?? 0) + 1);
    let bitmap = index.bitmaps.get(owner);
    if (bitmap === undefined) index.bitmaps.set(owner, (bitmap = emptySlotBitmap()));
    // addSlot without its range assert: this loop runs over every slot of every new owner table.
    bitmap[slot >> 3] = bitmap[slot >> 3]! | (1 << (slot & 7));
  }
  return index;
}

function slotIndex(config: ClusterConfig): SlotIndex {
  let index = slotIndexes.get(config.slotOwners);
  if (index === undefined) {
    index = buildSlotIndex(config.slotOwners);
    slotIndexes.set(config.slotOwners, index);
  }
  return index;
}

/** numslots. */
export function slotCount(config: ClusterConfig, nodeId: NodeId): number {
  return slotIndex(config).counts.get(nodeId) ?? 0;
}

const EMPTY_BITMAP = emptySlotBitmap();
/** The node's slots as a bitmap; shared and read-only (copy before changing it). */
export function slotBitmapOf(config: ClusterConfig, nodeId: NodeId): Uint8Array {
  return slotIndex(config).bitmaps.get(nodeId) ?? EMPTY_BITMAP;
}

export function emptyConfig(myselfNode: ClusterNode): ClusterConfig {
  return {
    myselfId: myselfNode.id,
    currentEpoch: 0,
    lastVoteEpoch: 0,
    nodes: new Map([[myselfNode.id, myselfNode]]),
    slotOwners: new Array<NodeId | null>(SLOT_COUNT).fill(null),
    migratingTo: new Map(),
    importingFrom: new Map(),
  };
}

/** Copy-on-write editor of a ClusterConfig. */
export class ConfigDraft {
  readonly #base: ClusterConfig;
  #myselfId: NodeId;
  #currentEpoch: number;
  #lastVoteEpoch: number;
  #nodes: Map<NodeId, ClusterNode> | null = null;
  #slotOwners: (NodeId | null)[] | null = null;
  #migratingTo: Map<number, NodeId> | null = null;
  #importingFrom: Map<number, NodeId> | null = null;
  #changed = false;
  #snapshot: ClusterConfig;

  constructor(base: ClusterConfig) {
    this.#base = base;
    this.#snapshot = base;
    this.#myselfId = base.myselfId;
    this.#currentEpoch = base.currentEpoch;
    this.#lastVoteEpoch = base.lastVoteEpoch;
  }

  /** The config as it stands now (cheap when unchanged since the last call). */
  get current(): ClusterConfig {
    if (this.#snapshot === null || this.#dirtySinceSnapshot) {
      this.#snapshot = this.#build();
      this.#dirtySinceSnapshot = false;
    }
    return this.#snapshot;
  }
  #dirtySinceSnapshot = false;

  get changed(): boolean {
    return this.#changed;
  }

  finish(): ClusterConfig {
    return this.#changed ? this.current : this.#base;
  }

  #touch(): void {
    this.#changed = true;
    this.#dirtySinceSnapshot = true;
  }

  #build(): ClusterConfig {
    if (!this.#changed) return this.#base;
    return {
      myselfId: this.#myselfId,
      currentEpoch: this.#currentEpoch,
      lastVoteEpoch: this.#lastVoteEpoch,
      nodes: this.#nodes === null ? this.#base.nodes : new Map(this.#nodes),
      slotOwners: this.#slotOwners === null ? this.#base.slotOwners : this.#slotOwners.slice(),
      migratingTo: this.#migratingTo === null ? this.#base.migratingTo : new Map(this.#migratingTo),
      importingFrom: this.#importingFrom === null ? this.#base.importingFrom : new Map(this.#importingFrom),
    };
  }

  // Reads (through the draft).
  get myselfId(): NodeId {
    return this.#myselfId;
  }
  get currentEpoch(): number {
    return this.#currentEpoch;
  }
  get lastVoteEpoch(): number {
    return this.#lastVoteEpoch;
  }
  get nodes(): ReadonlyMap<NodeId, ClusterNode> {
    return this.#nodes ?? this.#base.nodes;
  }
  node(id: NodeId): ClusterNode | undefined {
    return this.nodes.get(id);
  }
  get myself(): ClusterNode {
    const me = this.nodes.get(this.#myselfId);
    assert(me !== undefined, 'myself is always in the node table');
    return me;
  }
  owner(slot: number): NodeId | null {
    return (this.#slotOwners ?? this.#base.slotOwners)[slot] ?? null;
  }
  migratingTo(slot: number): NodeId | undefined {
    return (this.#migratingTo ?? this.#base.migratingTo).get(slot);
  }
  importingFrom(slot: number): NodeId | undefined {
    return (this.#importingFrom ?? this.#base.importingFrom).get(slot);
  }

  // Writes.
  setCurrentEpoch(epoch: number): void {
    if (epoch === this.#currentEpoch) return;
    this.#currentEpoch = epoch;
    this.#touch();
  }
  setLastVoteEpoch(epoch: number): void {
    if (epoch === this.#lastVoteEpoch) return;
    this.#lastVoteEpoch = epoch;
    this.#touch();
  }
  setMyselfId(id: NodeId): void {
    if (id === this.#myselfId) return;
    this.#myselfId = id;
    this.#touch();
  }

  #ownNodes(): Map<NodeId, ClusterNode> {
    if (this.#nodes === null) this.#nodes = new Map(this.#base.nodes);
    return this.#nodes;
  }
  #ownSlots(): (NodeId | null)[] {
    if (this.#slotOwners === null) this.#slotOwners = this.#base.slotOwners.slice();
    this.#draftIndex = null;
    return this.#slotOwners;
  }
  #ownMigrating(): Map<number, NodeId> {
    if (this.#migratingTo === null) this.#migratingTo = new Map(this.#base.migratingTo);
    return this.#migratingTo;
  }
  #ownImporting(): Map<number, NodeId> {
    if (this.#importingFrom === null) this.#importingFrom = new Map(this.#base.importingFrom);
    return this.#importingFrom;
  }

  addNode(node: ClusterNode): void {
    assert(!this.nodes.has(node.id), `node ${node.id} already known`);
    this.#ownNodes().set(node.id, node);
    this.#touch();
  }

  /** Replaces a node's fields; no-op when every field is equal. */
  updateNode(id: NodeId, change: Partial<Omit<ClusterNode, 'id'>>): ClusterNode {
    const node = this.nodes.get(id);
    assert(node !== undefined, `unknown node ${id}`);
    let differs = false;
    for (const [key, value] of Object.entries(change)) {
      if ((node as unknown as Record<string, unknown>)[key] !== value) differs = true;
    }
    if (!differs) return node;
    const next: ClusterNode = { ...node, ...change };
    this.#ownNodes().set(id, next);
    this.#touch();
    return next;
  }

  setFlags(id: NodeId, set: number, clear = 0): ClusterNode {
    const node = this.nodes.get(id);
    assert(node !== undefined, `unknown node ${id}`);
    return this.updateNode(id, { flags: (node.flags & ~clear) | set });
  }

  /**
   * clusterDelNode's config part: the node's slots become unassigned, open slots towards it
   * close, replicas of it lose their master pointer, and the node leaves the table.
   */
  deleteNode(id: NodeId): void {
    assert(id !== this.#myselfId, 'cannot delete myself');
    const nodes = this.#ownNodes();
    if (!nodes.delete(id)) return;
    const slots = this.#base.slotOwners;
    const owners = this.#slotOwners ?? slots;
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (owners[slot] === id) this.#ownSlots()[slot] = null;
    for (const [slot, target] of this.#migratingTo ?? this.#base.migratingTo) if (target === id) this.#ownMigrating().delete(slot);
    for (const [slot, source] of this.#importingFrom ?? this.#base.importingFrom) if (source === id) this.#ownImporting().delete(slot);
    // freeClusterNode: replicas of a forgotten master point nowhere (slaveof = NULL).
    for (const node of [...nodes.values()]) if (node.masterId === id) nodes.set(node.id, { ...node, masterId: null });
    this.#touch();
  }

  /** clusterRenameNode: the handshake node takes its real id; slots and open slots follow. */
  renameNode(oldId: NodeId, newId: NodeId): void {
    const nodes = this.#ownNodes();
    const node = nodes.get(oldId);
    assert(node !== undefined && !nodes.has(newId), `rename ${oldId} -> ${newId}`);
    nodes.delete(oldId);
    nodes.set(newId, { ...node, id: newId });
    const owners = this.#slotOwners ?? this.#base.slotOwners;
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (owners[slot] === oldId) this.#ownSlots()[slot] = newId;
    for (const n of [...nodes.values()]) if (n.masterId === oldId) nodes.set(n.id, { ...n, masterId: newId });
    if (this.#myselfId === oldId) this.#myselfId = newId;
    this.#touch();
  }

  /** clusterAddSlot: false when the slot already has an owner. */
  addSlot(slot: number, owner: NodeId): boolean {
    if (this.owner(slot) !== null) return false;
    this.#ownSlots()[slot] = owner;
    this.#touch();
    return true;
  }

  /** clusterDelSlot: false when the slot was unassigned. */
  deleteSlot(slot: number): boolean {
    if (this.owner(slot) === null) return false;
    this.#ownSlots()[slot] = null;
    this.#touch();
    return true;
  }

  /** clusterDelNodeSlots: returns how many slots the node lost. */
  deleteNodeSlots(id: NodeId): number {
    let deleted = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (this.owner(slot) === id) {
        this.deleteSlot(slot);
        deleted++;
      }
    }
    return deleted;
  }

  setMigrating(slot: number, target: NodeId | null): void {
    if ((this.migratingTo(slot) ?? null) === target) return;
    if (target === null) this.#ownMigrating().delete(slot);
    else this.#ownMigrating().set(slot, target);
    this.#touch();
  }

  setImporting(slot: number, source: NodeId | null): void {
    if ((this.importingFrom(slot) ?? null) === source) return;
    if (source === null) this.#ownImporting().delete(slot);
    else this.#ownImporting().set(slot, source);
    this.#touch();
  }

  /** clusterCloseAllSlots. */
  closeAllSlots(): void {
    if ((this.#migratingTo ?? this.#base.migratingTo).size > 0) {
      this.#migratingTo = new Map();
      this.#touch();
    }
    if ((this.#importingFrom ?? this.#base.importingFrom).size > 0) {
      this.#importingFrom = new Map();
      this.#touch();
    }
  }

  #draftIndex: SlotIndex | null = null;
  #index(): SlotIndex {
    if (this.#slotOwners === null) return slotIndex(this.#base);
    if (this.#draftIndex === null) this.#draftIndex = buildSlotIndex(this.#slotOwners);
    return this.#draftIndex;
  }

  /** numslots of a node as the draft stands. */
  slotCount(id: NodeId): number {
    return this.#index().counts.get(id) ?? 0;
  }

  /** The node's slots as a bitmap as the draft stands; read-only (shared). */
  slotBitmap(id: NodeId): Uint8Array {
    return this.#index().bitmaps.get(id) ?? EMPTY_BITMAP;
  }
}
