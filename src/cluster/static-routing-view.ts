import { SLOT_COUNT } from '../lib/hash-slot.js';
import type { RoutingView } from './routing.js';

/**
 * A RoutingView set by hand: tests, and nodes whose slot layout is given rather than gossiped.
 * The cluster runtime has its own view over its config; this one shows what a view must answer.
 */
export class StaticRoutingView implements RoutingView {
  stateOk = true;
  myselfId: string;
  myMasterId: string | null = null;
  allowReadsWhenDown = false;
  allowPubsubshardWhenDown = true;
  readonly #owners: Array<string | null> = new Array<string | null>(SLOT_COUNT).fill(null);
  readonly #migrating = new Map<number, string>();
  readonly #importing = new Map<number, string>();
  readonly #endpoints = new Map<string, string>();

  constructor(myselfId: string) {
    this.myselfId = myselfId;
  }

  /** Names a node and the `host:port` its redirects print. */
  addNode(nodeId: string, endpoint: string): this {
    this.#endpoints.set(nodeId, endpoint);
    return this;
  }

  /** Slots first..last (inclusive) served by nodeId (null: unassigned). */
  assign(first: number, last: number, nodeId: string | null): this {
    for (let slot = first; slot <= last; slot++) this.#owners[slot] = nodeId;
    return this;
  }

  setMigrating(slot: number, targetId: string | null): this {
    if (targetId === null) this.#migrating.delete(slot);
    else this.#migrating.set(slot, targetId);
    return this;
  }

  setImporting(slot: number, sourceId: string | null): this {
    if (sourceId === null) this.#importing.delete(slot);
    else this.#importing.set(slot, sourceId);
    return this;
  }

  ownerOf(slot: number): string | null {
    return this.#owners[slot] ?? null;
  }

  migratingTo(slot: number): string | null {
    // Most slots are stable: skip the Map while none is open.
    return this.#migrating.size === 0 ? null : (this.#migrating.get(slot) ?? null);
  }

  importingFrom(slot: number): string | null {
    return this.#importing.size === 0 ? null : (this.#importing.get(slot) ?? null);
  }

  endpointOf(nodeId: string): string {
    return this.#endpoints.get(nodeId) ?? '?:0';
  }
}

/**
 * The layout `redis-cli --cluster create` gives three masters (0-5460, 5461-10922, 10923-16383)
 * on 127.0.0.1:7000-7002, seen from the first of `ids` (tests of routing build on it).
 */
export function threeMasterView(ids: readonly [string, string, string]): StaticRoutingView {
  const [first, second, third] = ids;
  return new StaticRoutingView(first)
    .addNode(first, '127.0.0.1:7000')
    .addNode(second, '127.0.0.1:7001')
    .addNode(third, '127.0.0.1:7002')
    .assign(0, 5460, first)
    .assign(5461, 10922, second)
    .assign(10923, 16383, third);
}
