import type { ContainerValue } from '../../stored-value.js';
import { ConsumerGroup } from './consumer-group.js';
import { radixTreeNodeCount } from './rax-shape.js';
import { compareParts, MIN_ID, type StreamId, type U64 } from './stream-id.js';
import { StreamNode } from './stream-node.js';

/** Where Redis splits stream nodes (stream-node-max-bytes, stream-node-max-entries). */
export interface NodeLimits {
  readonly maxBytes: number;
  readonly maxEntries: number;
}

/** STREAM_LISTPACK_MAX_SIZE: Redis's cap on one node, and on one entry's total bytes. */
export const STREAM_LISTPACK_MAX_BYTES = 1 << 30;

export type TrimStrategy = { readonly kind: 'maxlen'; readonly maxLength: number } | { readonly kind: 'minid'; readonly minId: StreamId };

/** Visits one entry; return false to stop. */
export type EntryVisitor = (ms: U64, seq: U64, fields: readonly string[]) => boolean;

/**
 * A Redis stream: entries ordered by id in nodes like Redis's listpacks (so node boundaries,
 * approximate trimming and XINFO counts match), plus consumer groups. Ids only grow, so XADD
 * appends to the last node; seeks are binary searches over nodes, then within a node.
 */
/** Nodes whose sizes MEMORY USAGE samples (then extrapolates). */
const MEMORY_SAMPLE_NODES = 16;

export class StreamValue implements ContainerValue {
  readonly type = 'stream' as const;
  readonly nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamId = MIN_ID;
  /** recorded-first-entry-id: the first live entry, 0-0 when empty. */
  firstId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  entriesAdded = 0;
  groups: Map<string, ConsumerGroup> | null = null;

  get size(): number {
    // A stream is never deleted for being empty: the keyspace must see it as non-empty.
    return 1;
  }

  encoding(): string {
    return 'stream';
  }

  /**
   * Appends an entry (its id already checked to be greater than lastId) whose fields are
   * items[from...]: field, value, ... (XADD passes its argv, no copy).
   */
  append(id: StreamId, items: readonly string[], limits: NodeLimits, from = 0): void {
    let node = this.nodes[this.nodes.length - 1];
    if (node !== undefined) {
      let totalBytes = 0;
      for (let i = from; i < items.length; i++) totalBytes += (items[i] as string).length;
      const maxBytes = limits.maxBytes === 0 || limits.maxBytes > STREAM_LISTPACK_MAX_BYTES ? STREAM_LISTPACK_MAX_BYTES : limits.maxBytes;
      if (node.bytes + totalBytes >= maxBytes || (limits.maxEntries !== 0 && node.slots >= limits.maxEntries)) node = undefined;
    }
    if (node === undefined) {
      this.nodes[this.nodes.length - 1]?.compact();
      node = new StreamNode(items, from, limits.maxEntries === 0 ? undefined : limits.maxEntries);
      this.nodes.push(node);
    }
    node.append(id.ms, id.seq, items, from);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** The index of the last node whose master id is <= (ms, seq), or -1. */
  #nodeAtOrBefore(ms: U64, seq: U64): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const node = nodes[mid] as StreamNode;
      if (compareParts(node.masterMs, node.masterSeq, ms, seq) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The slot index in node of the first entry >= (ms, seq). */
  static #slotLowerBound(node: StreamNode, ms: U64, seq: U64): number {
    let lo = 0;
    let hi = node.slots;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareParts(node.msAt(mid), node.seqAt(mid), ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Node index and slot of a live entry, or null. */
  #locate(id: StreamId): [number, number] | null {
    const n = this.#nodeAtOrBefore(id.ms, id.seq);
    if (n < 0) return null;
    const node = this.nodes[n] as StreamNode;
    const slot = StreamValue.#slotLowerBound(node, id.ms, id.seq);
    if (slot >= node.slots || !node.isLive(slot)) return null;
    if (node.msAt(slot) !== id.ms || node.seqAt(slot) !== id.seq) return null;
    return [n, slot];
  }

  has(id: StreamId): boolean {
    return this.#locate(id) !== null;
  }

  /** The fields of a live entry, or null. */
  get(id: StreamId): readonly string[] | null {
    const at = this.#locate(id);
    if (at === null) return null;
    return (this.nodes[at[0]] as StreamNode).fieldsAt(at[1]);
  }

  /** Flags an entry deleted (XDEL); false if absent. Updates first id and max deleted id. */
  delete(id: StreamId): boolean {
    const at = this.#locate(id);
    if (at === null) return false;
    const node = this.nodes[at[0]] as StreamNode;
    node.deleteAt(at[1]);
    if (node.live === 0) this.nodes.splice(at[0], 1);
    this.length--;
    return true;
  }

  /** Visits live entries with start <= id <= end, forward or in reverse. */
  range(start: StreamId, end: StreamId, reverse: boolean, visit: EntryVisitor): void {
    const nodes = this.nodes;
    if (compareParts(start.ms, start.seq, end.ms, end.seq) > 0) return;
    if (!reverse) {
      let n = Math.max(0, this.#nodeAtOrBefore(start.ms, start.seq));
      let slot = n < nodes.length ? StreamValue.#slotLowerBound(nodes[n] as StreamNode, start.ms, start.seq) : 0;
      for (; n < nodes.length; n++, slot = 0) {
        const node = nodes[n] as StreamNode;
        for (; slot < node.slots; slot++) {
          const fields = node.fieldsAt(slot);
          if (fields === null) continue;
          const ms = node.msAt(slot);
          const seq = node.seqAt(slot);
          if (compareParts(ms, seq, end.ms, end.seq) > 0) return;
          if (!visit(ms, seq, fields)) return;
        }
      }
    } else {
      let n = this.#nodeAtOrBefore(end.ms, end.seq);
      if (n < 0) return;
      let slot = StreamValue.#slotLowerBound(nodes[n] as StreamNode, end.ms, end.seq);
      const first = nodes[n] as StreamNode;
      if (slot < first.slots && compareParts(first.msAt(slot), first.seqAt(slot), end.ms, end.seq) === 0) slot++;
      for (slot--; n >= 0; n--) {
        const node = nodes[n] as StreamNode;
        if (slot === -2) slot = node.slots - 1;
        for (; slot >= 0; slot--) {
          const fields = node.fieldsAt(slot);
          if (fields === null) continue;
          const ms = node.msAt(slot);
          const seq = node.seqAt(slot);
          if (compareParts(ms, seq, start.ms, start.seq) < 0) return;
          if (!visit(ms, seq, fields)) return;
        }
        slot = -2;
      }
    }
  }

  /** The first (or last) live entry's id, or null when empty (Redis's streamGetEdgeID). */
  edgeId(first: boolean): StreamId | null {
    let found: StreamId | null = null;
    const visit: EntryVisitor = (ms, seq) => {
      found = { ms, seq };
      return false;
    };
    this.range(MIN_ID, { ms: 18446744073709551615n, seq: 18446744073709551615n }, !first, visit);
    return found;
  }

  /** After deletions: keeps recorded-first-entry-id on the first live entry. */
  refreshFirstId(): void {
    this.firstId = this.length === 0 ? MIN_ID : (this.edgeId(true) ?? MIN_ID);
  }

  /**
   * Redis's streamTrim: whole nodes go while they can; exact trimming then flags entries in the
   * first remaining node; approximate trimming stops at the first node it cannot drop whole.
   * `limit` (0 = none) caps the entries removed. Returns how many were removed.
   */
  trim(strategy: TrimStrategy, approximate: boolean, limit: number): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (strategy.kind === 'maxlen' && this.length <= strategy.maxLength) break;
      const node = this.nodes[0] as StreamNode;
      const entries = node.live;
      if (limit !== 0 && deleted + entries > limit) break;
      let removeNode: boolean;
      if (strategy.kind === 'maxlen') {
        removeNode = this.length - entries >= strategy.maxLength;
      } else {
        const last = node.slots - 1;
        removeNode = compareParts(node.msAt(last), node.seqAt(last), strategy.minId.ms, strategy.minId.seq) < 0;
      }
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approximate) break;
      for (let slot = 0; slot < node.slots; slot++) {
        const stop =
          strategy.kind === 'maxlen'
            ? this.length <= strategy.maxLength
            : compareParts(node.msAt(slot), node.seqAt(slot), strategy.minId.ms, strategy.minId.seq) >= 0;
        if (stop) break;
        if (node.isLive(slot)) {
          node.deleteAt(slot);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (this.length === 0) this.firstId = MIN_ID;
    else if (deleted > 0) this.refreshFirstId();
    return deleted;
  }

  group(name: string): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** Groups in Redis's order (a rax: bytewise). */
  sortedGroups(): ConsumerGroup[] {
    if (this.groups === null) return [];
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** XINFO radix-tree-nodes: the node count of Redis's rax holding the node keys. */
  radixTreeNodes(): number {
    return radixTreeNodeCount(this.nodes.map((node) => [node.masterMs, node.masterSeq] as const));
  }

  clone(): StreamValue {
    const copy = new StreamValue();
    for (const node of this.nodes) {
      const n = new StreamNode(node.fieldsAt(0) ?? interleave(node.masterFields));
      // Rebuild with the same sizes: replay live and deleted slots.
      for (let slot = 0; slot < node.slots; slot++) {
        const fields = node.fieldsAt(slot);
        n.append(node.msAt(slot), node.seqAt(slot), fields === null ? (node.deletedFieldsAt(slot) ?? interleave(node.masterFields)) : fields.slice());
        if (fields === null) n.deleteAt(slot);
      }
      copy.nodes.push(n);
    }
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    if (this.groups !== null) {
      copy.groups = new Map();
      for (const [name, group] of this.groups) copy.groups.set(name, group.clone());
    }
    return copy;
  }

  memoryUsageBytes(): number {
    // Sampled like Redis's MEMORY USAGE: the first nodes' sizes, times the node count (a full
    // walk made the memory gauge's sampling every 100 ms O(entries)).
    let bytes = 128;
    let sampledCount = 0;
    let sampled = 0;
    for (const node of this.nodes) {
      sampled += node.memoryUsageBytes();
      if (++sampledCount === MEMORY_SAMPLE_NODES) break;
    }
    if (sampledCount > 0) bytes += Math.round((sampled / sampledCount) * this.nodes.length);
    if (this.groups !== null) for (const group of this.groups.values()) bytes += 128 + group.pending.size * 64;
    return bytes;
  }
}

/** Field names with empty values, to rebuild a deleted slot's shape. */
function interleave(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) out.push(name, '');
  return out;
}
