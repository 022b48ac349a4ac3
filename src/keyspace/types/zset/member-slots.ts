import { OpenIndex } from '../../open-index.js';

/**
 * member → slot for the skiplist encoding, the lookup half of Redis's dict beside its
 * zskiplist: an index (OpenIndex) from member to a slot number and the members in a slot array.
 * The slot is the member's id in the OrderTree, which keeps the score and knows the member's
 * leaf, so a score read or a move starts at the member's leaf, not at the root. Freed slots are
 * reused (the last freed first), so slot numbers stay below the largest size the set had.
 */
export class MemberSlots {
  readonly #index = new OpenIndex();
  /** Member per slot; undefined for a free slot. */
  readonly #members: Array<string | undefined> = [];
  readonly #free: number[] = [];
  /** The last member looked up and its slot: a score read then a move (ZINCRBY) probes once. */
  #lastMember: string | undefined;
  #lastSlot = -1;

  get size(): number {
    return this.#index.size;
  }

  /** The slot of a member, or -1. */
  slotOf(member: string): number {
    if (member === this.#lastMember) return this.#lastSlot;
    const slot = this.#index.find(member, this.#index.hash(member), this.#members, 1);
    if (slot >= 0) {
      this.#lastMember = member;
      this.#lastSlot = slot;
    }
    return slot;
  }

  /** Adds a member known to be absent; returns its slot. */
  add(member: string): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#members.length;
      this.#members.push(member);
    } else {
      this.#members[slot] = member;
    }
    this.#index.insert(this.#index.hash(member), slot);
    return slot;
  }

  /** Removes a member; returns the slot it had, or -1. */
  delete(member: string): number {
    const slot = this.#index.find(member, this.#index.hash(member), this.#members, 1);
    if (slot < 0) return -1;
    this.#index.removeFound();
    this.#members[slot] = undefined;
    this.#free.push(slot);
    if (member === this.#lastMember) {
      this.#lastMember = undefined;
      this.#lastSlot = -1;
    }
    return slot;
  }

  /** Bytes beyond the member strings: the index and the slot array. */
  get arrayBytes(): number {
    return this.#index.bytes + this.#members.length * 8;
  }
}
