import { SortedIdMap } from './sorted-id-map.js';
import type { StreamId } from './stream-id.js';

/** A delivered, not yet acknowledged entry (Redis's streamNACK). */
export interface PendingEntry {
  deliveryTimeMs: number;
  deliveryCount: number;
  /** Null only for an XCLAIM ... FORCE entry before it is given to a consumer. */
  consumer: Consumer | null;
}

export class Consumer {
  readonly name: string;
  seenTimeMs: number;
  /** The consumer's own pending entries (shared objects with the group's PEL). */
  readonly pending = new SortedIdMap<PendingEntry>();

  constructor(name: string, nowMs: number) {
    this.name = name;
    this.seenTimeMs = nowMs;
  }
}

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const ENTRIES_READ_UNKNOWN = -1;

export class ConsumerGroup {
  readonly name: string;
  lastId: StreamId;
  /** Entries the group has read (XINFO entries-read), or ENTRIES_READ_UNKNOWN. */
  entriesRead: number;
  readonly pending = new SortedIdMap<PendingEntry>();
  readonly consumers = new Map<string, Consumer>();

  constructor(name: string, lastId: StreamId, entriesRead: number) {
    this.name = name;
    this.lastId = lastId;
    this.entriesRead = entriesRead;
  }

  /** Consumers in Redis's order (a rax: bytewise, shorter prefix first). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createConsumer(name: string, nowMs: number): Consumer | null {
    if (this.consumers.has(name)) return null;
    const consumer = new Consumer(name, nowMs);
    this.consumers.set(name, consumer);
    return consumer;
  }

  /** Removes a consumer and its pending entries from the group's PEL; returns how many. */
  deleteConsumer(consumer: Consumer): number {
    const count = consumer.pending.size;
    for (const [id] of consumer.pending.entries()) this.pending.delete(id);
    this.consumers.delete(consumer.name);
    return count;
  }

  /** Removes one pending entry from the group and its consumer; false if it was not pending. */
  acknowledge(id: StreamId): boolean {
    const entry = this.pending.get(id);
    if (entry === undefined) return false;
    this.pending.delete(id);
    entry.consumer?.pending.delete(id);
    return true;
  }

  clone(): ConsumerGroup {
    const copy = new ConsumerGroup(this.name, this.lastId, this.entriesRead);
    for (const consumer of this.consumers.values()) {
      const c = new Consumer(consumer.name, consumer.seenTimeMs);
      copy.consumers.set(c.name, c);
    }
    for (const [id, entry] of this.pending.entries()) {
      const owner = entry.consumer === null ? null : (copy.consumers.get(entry.consumer.name) ?? null);
      const e: PendingEntry = { deliveryTimeMs: entry.deliveryTimeMs, deliveryCount: entry.deliveryCount, consumer: owner };
      copy.pending.set(id, e);
      owner?.pending.set(id, e);
    }
    return copy;
  }
}
