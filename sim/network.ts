/**
 * The simulated network's fault model, drawn from the run's seeded Random: each message may be
 * dropped, duplicated, and is delayed by a random amount (so messages overtake each other, even
 * on one connection); connection attempts take a delay and may fail; a partition splits the nodes
 * into groups that cannot reach each other (messages and connects between groups fail).
 */
import type { Random } from '../src/lib/random.js';

export interface FaultProfile {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Chance a connect attempt fails even without a partition. */
  readonly connectFailRate: number;
}

export const RELIABLE: FaultProfile = { dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 5, connectFailRate: 0 };

/** Draws a fault profile for a seed: from reliable to quite hostile. */
export function randomFaultProfile(random: Random): FaultProfile {
  return {
    dropRate: random.next() * 0.3,
    duplicateRate: random.next() * 0.1,
    minDelayMs: 1,
    maxDelayMs: 1 + Math.floor(random.next() * 400),
    connectFailRate: random.next() * 0.3,
  };
}

export class Network {
  profile: FaultProfile;
  readonly #random: Random;
  /** Node index → partition group; nodes in different groups cannot talk. Empty: no partition. */
  #groups = new Map<number, number>();

  constructor(random: Random, profile: FaultProfile) {
    this.#random = random;
    this.profile = profile;
  }

  partition(groups: readonly (readonly number[])[]): void {
    this.#groups = new Map();
    groups.forEach((members, group) => members.forEach((node) => this.#groups.set(node, group)));
  }

  heal(): void {
    this.#groups = new Map();
  }

  get partitioned(): boolean {
    return this.#groups.size > 0;
  }

  canReach(from: number, to: number): boolean {
    if (this.#groups.size === 0) return true;
    return (this.#groups.get(from) ?? -1) === (this.#groups.get(to) ?? -1);
  }

  delayMs(): number {
    const { minDelayMs, maxDelayMs } = this.profile;
    return minDelayMs + Math.floor(this.#random.next() * (maxDelayMs - minDelayMs + 1));
  }

  /** How many copies of a message arrive: 0 (dropped), 1, or 2 (duplicated). */
  copies(from: number, to: number): number {
    if (!this.canReach(from, to)) return 0;
    if (this.#random.next() < this.profile.dropRate) return 0;
    return this.#random.next() < this.profile.duplicateRate ? 2 : 1;
  }

  connectSucceeds(from: number, to: number): boolean {
    return this.canReach(from, to) && this.#random.next() >= this.profile.connectFailRate;
  }
}
