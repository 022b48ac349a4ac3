/**
 * A growable ring buffer: O(1) push and pop at both ends and O(1) indexed access; insert and
 * remove in the middle shift the elements after. Holds a list's chunks. Most lists have one
 * chunk: that one sits in a field, and the slot array (a JS array costs about 56 bytes even
 * for one slot) exists only from the second element on.
 */
export class Ring<T> {
  /** The only element while #slots is undefined. */
  #one: T | undefined = undefined;
  #slots: Array<T | undefined> | undefined = undefined;
  /** Index of the first element in #slots. */
  #start = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  get(i: number): T {
    const slots = this.#slots;
    if (slots === undefined) return this.#one as T;
    return slots[(this.#start + i) & (slots.length - 1)] as T;
  }

  first(): T | undefined {
    return this.#length === 0 ? undefined : this.get(0);
  }

  last(): T | undefined {
    return this.#length === 0 ? undefined : this.get(this.#length - 1);
  }

  pushBack(value: T): void {
    if (this.#length === 0 && this.#slots === undefined) {
      this.#one = value;
      this.#length = 1;
      return;
    }
    const slots = this.#room();
    slots[(this.#start + this.#length) & (slots.length - 1)] = value;
    this.#length++;
  }

  pushFront(value: T): void {
    if (this.#length === 0 && this.#slots === undefined) {
      this.#one = value;
      this.#length = 1;
      return;
    }
    const slots = this.#room();
    this.#start = (this.#start - 1) & (slots.length - 1);
    slots[this.#start] = value;
    this.#length++;
  }

  popFront(): T | undefined {
    if (this.#length === 0) return undefined;
    const slots = this.#slots;
    if (slots === undefined) return this.#takeOne();
    const value = slots[this.#start];
    slots[this.#start] = undefined;
    this.#start = (this.#start + 1) & (slots.length - 1);
    this.#length--;
    return value;
  }

  popBack(): T | undefined {
    if (this.#length === 0) return undefined;
    const slots = this.#slots;
    if (slots === undefined) return this.#takeOne();
    const at = (this.#start + this.#length - 1) & (slots.length - 1);
    const value = slots[at];
    slots[at] = undefined;
    this.#length--;
    return value;
  }

  /** Inserts so that the value ends up at index i (0 ≤ i ≤ length). */
  insertAt(i: number, value: T): void {
    if (i === 0) return this.pushFront(value);
    const slots = this.#room();
    const mask = slots.length - 1;
    this.#length++;
    for (let j = this.#length - 1; j > i; j--) slots[(this.#start + j) & mask] = slots[(this.#start + j - 1) & mask];
    slots[(this.#start + i) & mask] = value;
  }

  removeAt(i: number): void {
    if (i === 0) {
      this.popFront();
      return;
    }
    const slots = this.#slots as Array<T | undefined>;
    const mask = slots.length - 1;
    for (let j = i; j < this.#length - 1; j++) slots[(this.#start + j) & mask] = slots[(this.#start + j + 1) & mask];
    slots[(this.#start + this.#length - 1) & mask] = undefined;
    this.#length--;
  }

  clear(): void {
    this.#one = undefined;
    this.#slots = undefined;
    this.#start = 0;
    this.#length = 0;
  }

  #takeOne(): T | undefined {
    const value = this.#one;
    this.#one = undefined;
    this.#length = 0;
    return value;
  }

  /** The slot array with room for one more element (created from #one when needed). */
  #room(): Array<T | undefined> {
    let slots = this.#slots;
    if (slots === undefined) {
      slots = new Array<T | undefined>(4);
      if (this.#length === 1) slots[0] = this.#one;
      this.#one = undefined;
      this.#start = 0;
      this.#slots = slots;
      return slots;
    }
    if (this.#length < slots.length) return slots;
    const next = new Array<T | undefined>(slots.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = this.get(i);
    this.#slots = next;
    this.#start = 0;
    return next;
  }
}
