import { MemberIndex } from './member-index.js';

/**
 * The hashtable encoding's storage: an index (MemberIndex) from member to its slot in a dense array, so that a
 * random member is O(1) (SPOP, SRANDMEMBER, HRANDFIELD), removal is O(1) (the last member moves
 * into the hole), and SCAN can walk the array with a cursor.
 *
 * SCAN walks slots from the top down: a removal only moves the last member (already visited, or
 * not yet visited if the cursor is above it) to a lower slot, and additions go to the top, so
 * every member present for the whole scan is returned at least once (Redis's guarantee).
 *
 * `values` is the parallel array of hash values (unused by sets).
 */
export class MemberTable {
  readonly #index = new MemberIndex();
  readonly members: string[] = [];
  readonly values: string[] = [];

  get size(): number {
    return this.members.length;
  }

  has(member: string): boolean {
    return this.#index.find(member, this.#index.hash(member)) >= 0;
  }

  slotOf(member: string): number | undefined {
    const slot = this.#index.find(member, this.#index.hash(member));
    return slot < 0 ? undefined : slot;
  }

  /** Adds a member (with a value for hashes); false when it was already there (value replaced). */
  add(member: string, value?: string): boolean {
    const hash = this.#index.hash(member);
    const slot = this.#index.find(member, hash);
    if (slot >= 0) {
      if (value !== undefined) this.values[slot] = value;
      return false;
    }
    this.#index.insert(hash, member, this.members.length);
    this.members.push(member);
    if (value !== undefined) this.values.push(value);
    return true;
  }

  delete(member: string): boolean {
    const slot = this.#index.find(member, this.#index.hash(member));
    if (slot < 0) return false;
    this.#index.removeFound();
    const last = this.members.length - 1;
    const lastMember = this.members.pop() as string;
    const lastValue = this.values.length > 0 ? (this.values.pop() as string) : undefined;
    if (slot !== last) {
      this.members[slot] = lastMember;
      if (lastValue !== undefined) this.values[slot] = lastValue;
      this.#index.move(this.#index.hash(lastMember), last, slot);
    }
    return true;
  }

  /** Bytes of the index (MEMORY USAGE estimates). */
  get indexBytes(): number {
    return this.#index.bytes;
  }

  /**
   * Visits the slots below `cursor` (0 = start at the top) downwards until `count` were
   * offered; returns the next cursor, 0 when done.
   */
  scan(cursor: number, count: number, visit: (slot: number) => void): number {
    let next = cursor === 0 || cursor > this.members.length ? this.members.length : cursor;
    for (let offered = 0; offered < count && next > 0; offered++) visit(--next);
    return next;
  }
}
