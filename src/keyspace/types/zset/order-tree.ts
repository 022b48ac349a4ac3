import { lowerBound } from './lower-bound.js';

/**
 * An order-statistic B+tree of (score, member) pairs, ordered like Redis's zskiplist: by score,
 * then by member bytes (latin1 strings compare by char code, which is memcmp order with the
 * shorter prefix first). Inner nodes keep each child's element count, so rank, select by rank
 * and range bounds are O(log n); leaves keep parallel arrays (scores unboxed, 8 bytes each) and
 * are linked for in-order walks. We chose it over a skiplist of JS objects for memory: a node
 * object per member costs far more than two array slots.
 *
 * Every element carries an integer id chosen by the caller (MemberSlots' slot), and the
 * tree keeps the leaf of each id. Removing or moving a member then starts at its leaf (an
 * integer scan of at most LEAF_MAX ids) instead of a descent from the root: on a leaderboard
 * where most scores tie, each comparison of that descent is a member string comparison and a
 * cache miss, and ZINCRBY spent half its time in the two descents of remove + insert
 * (docs/performance-notes.md, session 6).
 */

/**
 * Elements per leaf before it splits; small enough that splicing a leaf stays cheap. Every
 * shifted member is a pointer store with a write barrier: measured (redis-benchmark -P 16, CPU
 * per request, 2026-11-22) ZADD 4.5-4.9 µs at 128, 4.0 at 64, 4.6-5.1 at 32 (deeper tree, more
 * splits); ZINCRBY on a 100k leaderboard 5.6-7.9 / 4.7-5.2 / 5.1-5.4.
 */
const LEAF_MAX = 64;
/** Children per inner node before it splits. */
const INNER_MAX = 64;
/** A node this small merges into a neighbour that has room. */
const LEAF_MIN = LEAF_MAX / 4;
const INNER_MIN = INNER_MAX / 4;

export class Leaf {
  members: string[] = [];
  scores: number[] = [];
  /** The caller's id of each element (MemberSlots' slot), parallel to members. */
  ids: number[] = [];
  prev: Leaf | null = null;
  next: Leaf | null = null;
  parent: Inner | null = null;
}

class Inner {
  children: Array<Leaf | Inner> = [];
  /** Element count of each child. */
  sizes: number[] = [];
  /**
   * A lower bound (score, member) of each child: every element of child i is >= sep i and
   * < sep i+1. Entry 0 is unused (the node's own bound sits in its parent).
   */
  sepScores: number[] = [];
  sepMembers: string[] = [];
  size = 0;
  parent: Inner | null = null;
}

/** (s1, m1) < (s2, m2) in zset order. */
export function zless(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/** A monotone predicate over zset order: false for a prefix of the elements, true after. */
export type OrderPredicate = (score: number, member: string) => boolean;

/** A position: leaf and index inside it. */
export interface TreeCursor {
  leaf: Leaf;
  index: number;
}

/** Where an insert that overfilled a node went: past the last element, before the first, or between. */
const enum Edge {
  None,
  Append,
  Prepend,
}

/** The leaf of ids not in the tree: a stale entry would keep a dropped leaf alive. */
const NO_LEAF = new Leaf();

function nodeSize(node: Leaf | Inner): number {
  return node instanceof Leaf ? node.members.length : node.size;
}

export class OrderTree {
  #root: Leaf | Inner = new Leaf();
  #first: Leaf;
  #last: Leaf;
  /** The leaf holding each id; NO_LEAF for ids not in the tree. */
  readonly #leafOf: Leaf[] = [];
  /** The last #indexOfId answer: id, its leaf, its index there. */
  #keptId = -1;
  #keptLeaf: Leaf = NO_LEAF;
  #keptIndex = -1;

  constructor() {
    this.#first = this.#last = this.#root as Leaf;
  }

  get size(): number {
    return nodeSize(this.#root);
  }

  /** Inserts a pair that is not in the tree yet, under an id not in use. */
  insert(score: number, member: string, id: number): void {
    let node = this.#root;
    while (node instanceof Inner) {
      const i = this.#childFor(node, score, member);
      node.size++;
      (node.sizes[i] as number)++;
      node = node.children[i] as Leaf | Inner;
    }
    const at = leafLowerBound(node, score, member);
    // A hand-written shift: splice allocates its result array on every call.
    const members = node.members;
    const scores = node.scores;
    const ids = node.ids;
    let k = members.length;
    members.push(member);
    scores.push(score);
    ids.push(id);
    for (; k > at; k--) {
      members[k] = members[k - 1] as string;
      scores[k] = scores[k - 1] as number;
      ids[k] = ids[k - 1] as number;
    }
    members[at] = member;
    scores[at] = score;
    ids[at] = id;
    this.#setLeaf(id, node);
    if (members.length > LEAF_MAX) {
      this.#splitLeaf(node, at === LEAF_MAX && node.next === null ? Edge.Append : at === 0 && node.prev === null ? Edge.Prepend : Edge.None);
    }
  }

  /** The score of the element with this id (it must be in the tree). */
  scoreOfId(id: number): number {
    const leaf = this.#leafOf[id] as Leaf;
    return leaf.scores[this.#indexOfId(leaf, id)] as number;
  }

  /** Removes the element with this id (it must be in the tree). */
  removeId(id: number): void {
    const leaf = this.#leafOf[id] as Leaf;
    this.#removeAt(leaf, this.#indexOfId(leaf, id));
    this.#leafOf[id] = NO_LEAF;
  }

  /**
   * Moves the element with this id (it must be in the tree) to a new score. When the new place
   * is inside the same leaf (small score changes, as in ZINCRBY on a leaderboard) only that
   * leaf's slots shift.
   */
  updateId(id: number, newScore: number): void {
    const leaf = this.#leafOf[id] as Leaf;
    const members = leaf.members;
    const scores = leaf.scores;
    const ids = leaf.ids;
    const at = this.#indexOfId(leaf, id);
    const member = members[at] as string;
    const length = members.length;
    const first = at === 0 ? 1 : 0;
    const last = at === length - 1 ? length - 2 : length - 1;
    if (
      first < last &&
      zless(scores[first] as number, members[first] as string, newScore, member) &&
      zless(newScore, member, scores[last] as number, members[last] as string)
    ) {
      const to = leafLowerBound(leaf, newScore, member);
      if (to > at) {
        for (let k = at; k < to - 1; k++) {
          members[k] = members[k + 1] as string;
          scores[k] = scores[k + 1] as number;
          ids[k] = ids[k + 1] as number;
        }
        members[to - 1] = member;
        scores[to - 1] = newScore;
        ids[to - 1] = id;
      } else {
        for (let k = at; k > to; k--) {
          members[k] = members[k - 1] as string;
          scores[k] = scores[k - 1] as number;
          ids[k] = ids[k - 1] as number;
        }
        members[to] = member;
        scores[to] = newScore;
        ids[to] = id;
      }
      return;
    }
    this.#removeAt(leaf, at);
    this.insert(newScore, member, id);
  }

  /** 0-based rank of the element with this id (it must be in the tree): counted upward from its leaf. */
  rankOfId(id: number): number {
    const leaf = this.#leafOf[id] as Leaf;
    let rank = this.#indexOfId(leaf, id);
    for (let child: Leaf | Inner = leaf, p = leaf.parent; p !== null; child = p, p = p.parent) {
      const sizes = p.sizes;
      const i = p.children.indexOf(child);
      for (let k = 0; k < i; k++) rank += sizes[k] as number;
    }
    return rank;
  }

  /** The element at a rank (0 <= rank < size). */
  cursorAt(rank: number): TreeCursor {
    let node = this.#root;
    while (node instanceof Inner) {
      let i = 0;
      const last = node.children.length - 1;
      while (i < last && rank >= (node.sizes[i] as number)) rank -= node.sizes[i++] as number;
      node = node.children[i] as Leaf | Inner;
    }
    return { leaf: node, index: rank };
  }

  /** The pair at a rank (0 <= rank < size). */
  at(rank: number): [string, number] {
    const cursor = this.cursorAt(rank);
    return [cursor.leaf.members[cursor.index] as string, cursor.leaf.scores[cursor.index] as number];
  }

  /** How many elements come before the first one for which `pred` holds. */
  countBefore(pred: OrderPredicate): number {
    let rank = 0;
    let node = this.#root;
    while (node instanceof Inner) {
      // The last child whose lower bound fails the predicate holds the boundary (or ends at it).
      let lo = 0;
      let hi = node.children.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (pred(node.sepScores[mid] as number, node.sepMembers[mid] as string)) hi = mid - 1;
        else lo = mid;
      }
      for (let k = 0; k < lo; k++) rank += node.sizes[k] as number;
      node = node.children[lo] as Leaf | Inner;
    }
    let lo = 0;
    let hi = node.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(node.scores[mid] as number, node.members[mid] as string)) hi = mid;
      else lo = mid + 1;
    }
    return rank + lo;
  }

  /**
   * Calls fn for `count` elements from `rank` on, forward or backward (rank counts from the
   * start either way). fn returns false to stop early.
   */
  walk(rank: number, count: number, reverse: boolean, fn: (member: string, score: number) => boolean | void): void {
    if (count <= 0 || rank < 0 || rank >= this.size) return;
    const cursor = this.cursorAt(rank);
    let leaf: Leaf | null = cursor.leaf;
    let i = cursor.index;
    while (leaf !== null && count > 0) {
      if (reverse) {
        for (; i >= 0 && count > 0; i--, count--) if (fn(leaf.members[i] as string, leaf.scores[i] as number) === false) return;
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.members.length - 1;
      } else {
        const length = leaf.members.length;
        for (; i < length && count > 0; i++, count--) if (fn(leaf.members[i] as string, leaf.scores[i] as number) === false) return;
        leaf = leaf.next;
        i = 0;
      }
    }
  }

  /** Every element in order. */
  *entries(): IterableIterator<[string, number]> {
    for (let leaf: Leaf | null = this.#first; leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.members.length; i++) yield [leaf.members[i] as string, leaf.scores[i] as number];
    }
  }

  /** The first leaf (for scans over all members). */
  get firstLeaf(): Leaf {
    return this.#first;
  }

  get lastLeaf(): Leaf {
    return this.#last;
  }

  /** Checks every structural invariant; throws on the first broken one (tests). */
  checkInvariants(): void {
    const check = (node: Leaf | Inner, parent: Inner | null, low: [number, string] | null, high: [number, string] | null): number => {
      if (node.parent !== parent) throw new Error('parent pointer');
      if (node instanceof Leaf) {
        for (let i = 0; i < node.members.length; i++) {
          const s = node.scores[i] as number;
          const m = node.members[i] as string;
          if (i > 0 && !zless(node.scores[i - 1] as number, node.members[i - 1] as string, s, m)) throw new Error('leaf order');
          if (low !== null && zless(s, m, low[0], low[1])) throw new Error('below separator');
          if (high !== null && !zless(s, m, high[0], high[1])) throw new Error('above separator');
        }
        if (node.members.length !== node.scores.length || node.ids.length !== node.members.length) throw new Error('leaf arrays');
        for (const id of node.ids) if (this.#leafOf[id] !== node) throw new Error('leaf of id');
        return node.members.length;
      }
      let total = 0;
      if (node.children.length === 0) throw new Error('empty inner');
      for (let i = 0; i < node.children.length; i++) {
        const lo: [number, string] | null = i === 0 ? low : [node.sepScores[i] as number, node.sepMembers[i] as string];
        const hi: [number, string] | null = i + 1 < node.children.length ? [node.sepScores[i + 1] as number, node.sepMembers[i + 1] as string] : high;
        const n = check(node.children[i] as Leaf | Inner, node, lo, hi);
        if (n !== node.sizes[i]) throw new Error('child size');
        total += n;
      }
      if (total !== node.size) throw new Error('inner size');
      return total;
    };
    check(this.#root, null, null, null);
    let count = 0;
    let prev: Leaf | null = null;
    for (let leaf: Leaf | null = this.#first; leaf !== null; leaf = leaf.next) {
      if (leaf.prev !== prev) throw new Error('leaf links');
      count += leaf.members.length;
      prev = leaf;
    }
    if (prev !== this.#last || count !== this.size) throw new Error('leaf chain');
  }

  /** The child of `node` whose range holds (score, member). */
  #childFor(node: Inner, score: number, member: string): number {
    let lo = 0;
    let hi = node.children.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (zless(score, member, node.sepScores[mid] as number, node.sepMembers[mid] as string)) hi = mid - 1;
      else lo = mid;
    }
    return lo;
  }

  /**
   * The index of `id` in its leaf. The last answer is kept: a score read and then a move of
   * the same member (ZADD, ZINCRBY) scan the leaf's ids once, not twice. A kept index is
   * used only after checking the leaf still holds the id there (a shift or split moves it).
   */
  #indexOfId(leaf: Leaf, id: number): number {
    const kept = this.#keptIndex;
    if (id === this.#keptId && leaf === this.#keptLeaf && leaf.ids[kept] === id) return kept;
    const at = leaf.ids.indexOf(id);
    this.#keptId = id;
    this.#keptLeaf = leaf;
    this.#keptIndex = at;
    return at;
  }

  #setLeaf(id: number, leaf: Leaf): void {
    const leafOf = this.#leafOf;
    while (leafOf.length < id) leafOf.push(NO_LEAF);
    leafOf[id] = leaf;
  }

  #removeAt(leaf: Leaf, at: number): void {
    const members = leaf.members;
    const scores = leaf.scores;
    const ids = leaf.ids;
    const last = members.length - 1;
    for (let k = at; k < last; k++) {
      members[k] = members[k + 1] as string;
      scores[k] = scores[k + 1] as number;
      ids[k] = ids[k + 1] as number;
    }
    members.pop();
    scores.pop();
    ids.pop();
    for (let child: Leaf | Inner = leaf, p = leaf.parent; p !== null; child = p, p = p.parent) {
      p.size--;
      (p.sizes[p.children.indexOf(child)] as number)--;
    }
    this.#rebalance(leaf);
  }

  /**
   * Splits a full leaf in two halves, or, when the insert that filled it went past an end of
   * the whole order (`edge`: ascending scores, as when loading a time series; descending, as
   * Redis writes a skiplist to RDB), splits off the one new element so that the full leaf
   * stays full: inserts at an edge then leave full leaves behind instead of half-empty ones (a
   * B-tree's rightmost split, as SQLite and PostgreSQL do). Both halves get fresh exact-size
   * arrays: after a push past LEAF_MAX the old arrays have room for ~112, and splice would
   * leave the left half holding that room.
   */
  #splitLeaf(leaf: Leaf, edge: Edge): void {
    const half = edge === Edge.Append ? LEAF_MAX : edge === Edge.Prepend ? 1 : leaf.members.length >> 1;
    const right = new Leaf();
    right.members = leaf.members.slice(half);
    right.scores = leaf.scores.slice(half);
    right.ids = leaf.ids.slice(half);
    leaf.members = leaf.members.slice(0, half);
    leaf.scores = leaf.scores.slice(0, half);
    leaf.ids = leaf.ids.slice(0, half);
    for (const id of right.ids) this.#leafOf[id] = right;
    right.prev = leaf;
    right.next = leaf.next;
    if (leaf.next !== null) leaf.next.prev = right;
    else this.#last = right;
    leaf.next = right;
    this.#addSibling(leaf, right, right.scores[0] as number, right.members[0] as string, edge);
  }

  /** Puts `right` after `left` in left's parent, with its separator; splits upward as needed. */
  #addSibling(left: Leaf | Inner, right: Leaf | Inner, sepScore: number, sepMember: string, edge: Edge): void {
    let parent = left.parent;
    if (parent === null) {
      parent = new Inner();
      // Sized as before the split: the code below moves right's share over.
      const before = nodeSize(left) + nodeSize(right);
      parent.children.push(left);
      parent.sizes.push(before);
      parent.sepScores.push(0);
      parent.sepMembers.push('');
      parent.size = before;
      left.parent = parent;
      this.#root = parent;
    }
    const i = parent.children.indexOf(left);
    const rightSize = nodeSize(right);
    parent.children.splice(i + 1, 0, right);
    parent.sizes[i] = (parent.sizes[i] as number) - rightSize;
    parent.sizes.splice(i + 1, 0, rightSize);
    parent.sepScores.splice(i + 1, 0, sepScore);
    parent.sepMembers.splice(i + 1, 0, sepMember);
    right.parent = parent;
    if (parent.children.length > INNER_MAX) this.#splitInner(parent, edge);
  }

  /** Splits a full inner node like #splitLeaf splits a leaf (edge: the split runs along that edge). */
  #splitInner(node: Inner, edge: Edge): void {
    const half = edge === Edge.Append ? INNER_MAX : edge === Edge.Prepend ? 1 : node.children.length >> 1;
    const right = new Inner();
    right.children = node.children.splice(half);
    right.sizes = node.sizes.splice(half);
    right.sepScores = node.sepScores.splice(half);
    right.sepMembers = node.sepMembers.splice(half);
    let moved = 0;
    for (let k = 0; k < right.children.length; k++) {
      (right.children[k] as Leaf | Inner).parent = right;
      moved += right.sizes[k] as number;
    }
    right.size = moved;
    node.size -= moved;
    // The parent counted the moved elements under `node`; addSibling moves them to `right`.
    this.#addSibling(node, right, right.sepScores[0] as number, right.sepMembers[0] as string, edge);
  }

  /** Removes empty nodes and merges small ones into a neighbour with room. */
  #rebalance(node: Leaf | Inner): void {
    for (;;) {
      const parent: Inner | null = node.parent;
      if (parent === null) {
        // A root inner node with one child gives way to that child.
        while (this.#root instanceof Inner && this.#root.children.length === 1) {
          const only = this.#root.children[0] as Leaf | Inner;
          only.parent = null;
          this.#root = only;
        }
        return;
      }
      const i = parent.children.indexOf(node);
      const isLeaf = node instanceof Leaf;
      const length = node instanceof Leaf ? node.members.length : node.children.length;
      if (length === 0) {
        if (node instanceof Leaf) this.#unlinkLeaf(node);
        this.#removeChild(parent, i);
      } else if (length < (isLeaf ? LEAF_MIN : INNER_MIN)) {
        const max = isLeaf ? LEAF_MAX : INNER_MAX;
        const widthOf = (n: Leaf | Inner): number => (n instanceof Leaf ? n.members.length : n.children.length);
        const left = i > 0 ? (parent.children[i - 1] as Leaf | Inner) : null;
        const right = i + 1 < parent.children.length ? (parent.children[i + 1] as Leaf | Inner) : null;
        if (left !== null && widthOf(left) + length <= max) this.#merge(parent, i - 1);
        else if (right !== null && widthOf(right) + length <= max) this.#merge(parent, i);
        else return;
      } else {
        return;
      }
      node = parent;
    }
  }

  /** Moves child i+1's contents into child i and drops child i+1. */
  #merge(parent: Inner, i: number): void {
    const left = parent.children[i] as Leaf | Inner;
    const right = parent.children[i + 1] as Leaf | Inner;
    if (left instanceof Leaf && right instanceof Leaf) {
      for (let k = 0; k < right.members.length; k++) {
        const id = right.ids[k] as number;
        left.members.push(right.members[k] as string);
        left.scores.push(right.scores[k] as number);
        left.ids.push(id);
        this.#leafOf[id] = left;
      }
      this.#unlinkLeaf(right);
    } else if (left instanceof Inner && right instanceof Inner) {
      // Right's first child had no separator inside right; its bound in the parent is one.
      right.sepScores[0] = parent.sepScores[i + 1] as number;
      right.sepMembers[0] = parent.sepMembers[i + 1] as string;
      for (let k = 0; k < right.children.length; k++) {
        const child = right.children[k] as Leaf | Inner;
        child.parent = left;
        left.children.push(child);
        left.sizes.push(right.sizes[k] as number);
        left.sepScores.push(right.sepScores[k] as number);
        left.sepMembers.push(right.sepMembers[k] as string);
      }
      left.size += right.size;
    }
    parent.sizes[i] = (parent.sizes[i] as number) + (parent.sizes[i + 1] as number);
    parent.children.splice(i + 1, 1);
    parent.sizes.splice(i + 1, 1);
    parent.sepScores.splice(i + 1, 1);
    parent.sepMembers.splice(i + 1, 1);
  }

  #removeChild(parent: Inner, i: number): void {
    parent.children.splice(i, 1);
    parent.sizes.splice(i, 1);
    parent.sepScores.splice(i, 1);
    parent.sepMembers.splice(i, 1);
  }

  #unlinkLeaf(leaf: Leaf): void {
    if (leaf.prev !== null) leaf.prev.next = leaf.next;
    else if (leaf.next !== null) this.#first = leaf.next;
    if (leaf.next !== null) leaf.next.prev = leaf.prev;
    else if (leaf.prev !== null) this.#last = leaf.prev;
    leaf.prev = leaf.next = null;
  }
}

/** First index in the leaf whose pair is >= (score, member). */
function leafLowerBound(leaf: Leaf, score: number, member: string): number {
  return lowerBound(leaf.members, leaf.scores, score, member);
}
