import type { ContainerValue } from '../../stored-value.js';
import { OrderTree, type OrderPredicate } from './order-tree.js';
import { PackedList } from './packed-list.js';
import { MemberSlots } from './member-slots.js';

/** Redis's zset encoding thresholds as read from the config for one command. */
export interface ZsetLimits {
  /** zset-max-listpack-entries */
  readonly maxListpackEntries: number;
  /** zset-max-listpack-value (bytes of one member) */
  readonly maxListpackValueBytes: number;
}

/** Limits that never convert (clone copies the encoding it was given). */
const UNLIMITED: ZsetLimits = { maxListpackEntries: Infinity, maxListpackValueBytes: Infinity };

/** Members whose sizes MEMORY USAGE looks at before extrapolating. */
const MEMORY_SAMPLE_MEMBERS = 64;
/** Scan cursors kept per set (ZSCAN over a large set); the oldest is forgotten first. */
const MAX_SCAN_CURSORS = 64;

/** What ZSCAN over a large set remembers: the last element each cursor returned. */
interface ScanState {
  cursors: Map<number, [number, string]>;
  next: number;
}

/**
 * A sorted set. While small (Redis's listpack encoding) its pairs are packed into one string
 * (PackedList) and member lookups scan it, like Redis scans its listpack. Past the thresholds it
 * converts, one way, to the "skiplist" encoding: an order-statistic tree for ranks, ranges and
 * scores beside a member → slot index (the slot is the member's id in the tree), like Redis's
 * zskiplist beside its dict.
 */
export class SortedSet implements ContainerValue {
  #order: PackedList | OrderTree = new PackedList();
  /** The skiplist encoding's member → slot (slot = the member's id in the tree); null while listpack. */
  #slots: MemberSlots | null = null;
  #scan: ScanState | null = null;

  /** A set with the encoding Redis's zsetTypeCreate picks for the expected size. */
  static create(sizeHint: number, maxMemberBytes: number, limits: ZsetLimits): SortedSet {
    const zset = new SortedSet();
    if (sizeHint > limits.maxListpackEntries || maxMemberBytes > limits.maxListpackValueBytes) zset.convertToSkiplist();
    return zset;
  }

  /**
   * A listpack-encoded set from pairs already in (score, member) order with distinct members
   * (an RDB listpack): packed once instead of once per insert. The caller checked the limits.
   */
  static fromSortedListpack(members: string[], scores: number[]): SortedSet {
    const zset = new SortedSet();
    // A listpack keeps scores as text, and "-0" reads back as the integer 0.
    for (let i = 0; i < scores.length; i++) if (scores[i] === 0) scores[i] = 0;
    zset.#order = PackedList.fromSorted(members, scores);
    return zset;
  }

  /** A listpack-encoded set from PackedList's packed text (see PackedList.fromPackedText). */
  static fromPackedListpack(text: string, size: number): SortedSet {
    const zset = new SortedSet();
    zset.#order = PackedList.fromPackedText(text, size);
    return zset;
  }

  get type(): 'zset' {
    return 'zset';
  }

  get size(): number {
    return this.#order.size;
  }

  /** The listpack encoding's packed text (packed-list.ts's format), else undefined. */
  get packedText(): string | undefined {
    const order = this.#order;
    return order instanceof PackedList ? order.text : undefined;
  }

  get isListpack(): boolean {
    return this.#slots === null;
  }

  encoding(): string {
    return this.#slots === null ? 'listpack' : 'skiplist';
  }

  convertToSkiplist(): void {
    if (this.#slots !== null) return;
    const tree = new OrderTree();
    const slots = new MemberSlots();
    for (const [member, score] of this.#order.entries()) tree.insert(score, member, slots.add(member));
    this.#order = tree;
    this.#slots = slots;
  }

  score(member: string): number | undefined {
    const order = this.#order;
    if (order instanceof PackedList) return order.scoreOf(member);
    const slot = (this.#slots as MemberSlots).slotOf(member);
    return slot < 0 ? undefined : order.scoreOfId(slot);
  }

  has(member: string): boolean {
    return this.score(member) !== undefined;
  }

  /**
   * Adds a member or moves it to a new score (the caller checked NX/XX/GT/LT). Converts to
   * skiplist first when the new member would pass the listpack limits, as zsetAdd does.
   */
  set(member: string, score: number, limits: ZsetLimits): void {
    const old = this.score(member);
    if (old === undefined) this.insertNew(member, score, limits);
    else this.update(member, old, score);
  }

  /** Adds a member known to be absent. */
  insertNew(member: string, score: number, limits: ZsetLimits): void {
    if (this.#slots === null) {
      if (this.#order.size + 1 > limits.maxListpackEntries || member.length > limits.maxListpackValueBytes) this.convertToSkiplist();
      // A listpack keeps scores as text, and "-0" reads back as the integer 0.
      else if (score === 0) score = 0;
    }
    const order = this.#order;
    if (order instanceof PackedList) order.insert(score, member);
    else order.insert(score, member, (this.#slots as MemberSlots).add(member));
  }

  /** Moves a present member from `old` (its current score) to `score`. */
  update(member: string, old: number, score: number): void {
    if (this.#slots === null && score === 0) score = 0;
    if (old === score) return; // Redis compares with !=, so -0 and 0 are the same score
    const order = this.#order;
    if (order instanceof PackedList) order.update(old, member, score);
    else order.updateId((this.#slots as MemberSlots).slotOf(member), score);
  }

  remove(member: string): boolean {
    const order = this.#order;
    if (order instanceof PackedList) {
      const score = order.scoreOf(member);
      return score !== undefined && order.remove(score, member);
    }
    const slot = (this.#slots as MemberSlots).delete(member);
    if (slot < 0) return false;
    order.removeId(slot);
    return true;
  }

  /** 0-based rank from the lowest score, or -1. */
  rank(member: string): number {
    const order = this.#order;
    if (order instanceof PackedList) {
      const score = order.scoreOf(member);
      return score === undefined ? -1 : order.rankOf(score, member);
    }
    const slot = (this.#slots as MemberSlots).slotOf(member);
    return slot < 0 ? -1 : order.rankOfId(slot);
  }

  /** Elements before the first one where pred holds (pred monotone in zset order). */
  countBefore(pred: OrderPredicate): number {
    return this.#order.countBefore(pred);
  }

  /** `count` elements from `rank` (reverse walks down); fn returns false to stop. */
  walk(rank: number, count: number, reverse: boolean, fn: (member: string, score: number) => boolean | void): void {
    this.#order.walk(rank, count, reverse, fn);
  }

  /** The element at a rank. */
  at(rank: number): [string, number] {
    return this.#order.at(rank);
  }

  /** Every member with its score, in order. */
  entries(): IterableIterator<[string, number]> {
    return this.#order.entries();
  }

  /**
   * One ZSCAN step over a large set: a cursor names the last element returned, so every member
   * present with the same score for the whole scan is returned. Cursor 0 starts; the reply's
   * 0 ends.
   */
  scanStep(cursor: number, count: number, fn: (member: string, score: number) => void): number {
    let rank = 0;
    if (cursor !== 0) {
      const last = this.#scan?.cursors.get(cursor);
      this.#scan?.cursors.delete(cursor);
      if (last !== undefined) {
        const [s, m] = last;
        rank = this.#order.countBefore((score, member) => score > s || (score === s && member > m));
      }
    }
    let lastSeen: [number, string] | null = null;
    let returned = 0;
    this.#order.walk(rank, count, false, (member, score) => {
      fn(member, score);
      lastSeen = [score, member];
      returned++;
    });
    if (lastSeen === null || rank + returned >= this.#order.size) return 0;
    this.#scan ??= { cursors: new Map(), next: 1 };
    const cursors = this.#scan.cursors;
    if (cursors.size >= MAX_SCAN_CURSORS) {
      const oldest = cursors.keys().next();
      if (oldest.done !== true) cursors.delete(oldest.value);
    }
    const id = this.#scan.next++;
    cursors.set(id, lastSeen);
    return id;
  }

  clone(): ContainerValue {
    const copy = new SortedSet();
    if (this.#slots !== null) copy.convertToSkiplist();
    for (const [member, score] of this.#order.entries()) copy.insertNew(member, score, UNLIMITED);
    return copy;
  }

  memoryUsageBytes(): number {
    const order = this.#order;
    if (order instanceof PackedList) return 64 + Math.ceil(order.byteLength / 8) * 8;
    // Leaf slots (member pointer, unboxed score and id: 24 bytes, with the leaves' spare room
    // ~32) and the tree's leaf-of-id entry (8), plus the member strings, measured on the first
    // members and extrapolated (MEMORY USAGE samples, like Redis); the member slots add their
    // index and slot array (arrayBytes).
    const size = order.size;
    let sampled = 0;
    let stringBytes = 0;
    for (const [member] of order.entries()) {
      stringBytes += 16 + Math.ceil(member.length / 8) * 8;
      if (++sampled === MEMORY_SAMPLE_MEMBERS) break;
    }
    const perMember = (sampled === 0 ? 0 : stringBytes / sampled) + 40;
    return 96 + Math.round(perMember * size) + (this.#slots?.arrayBytes ?? 0);
  }
}
