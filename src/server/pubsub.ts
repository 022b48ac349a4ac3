import { globMatch } from '../keyspace/glob.js';
import type { ReplyWriter } from '../resp/reply-writer.js';

/** A client as pub/sub needs it (a Session). */
export interface Subscriber {
  readonly writer: ReplyWriter;
}

/** What one client is subscribed to. */
export interface ClientSubscriptions {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  readonly shardChannels: Set<string>;
}

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/**
 * Channels, patterns and shard channels, and who listens. `publish` is the one delivery path:
 * PUBLISH, keyspace notifications and (in cluster mode) messages from the bus all go through it.
 * Messages are written to each receiver's reply buffer; `onDelivered` lets the server flush
 * them once per event-loop turn and apply the pubsub output buffer limit.
 */
export class PubSubHub<S extends Subscriber> {
  readonly #channels = new Map<string, Set<S>>();
  readonly #patterns = new Map<string, Set<S>>();
  readonly #shardChannels = new Map<string, Set<S>>();
  readonly #byClient = new Map<S, ClientSubscriptions>();
  readonly #onDelivered: (receiver: S) => void;

  constructor(onDelivered: (receiver: S) => void) {
    this.#onDelivered = onDelivered;
  }

  /** Clients with any subscription. */
  get subscriberCount(): number {
    return this.#byClient.size;
  }

  subscriptionsOf(client: S): ClientSubscriptions | undefined {
    return this.#byClient.get(client);
  }

  /** Channels + patterns: the count SUBSCRIBE/PSUBSCRIBE replies carry (shard ones apart). */
  countFor(client: S, kind: SubscriptionKind): number {
    const subs = this.#byClient.get(client);
    if (subs === undefined) return 0;
    return kind === 'shard' ? subs.shardChannels.size : subs.channels.size + subs.patterns.size;
  }

  /** True while the client has any subscription (RESP2 subscriber mode). */
  isSubscribed(client: S): boolean {
    return this.#byClient.has(client);
  }

  /** Adds one subscription; false when it already existed. */
  add(client: S, kind: SubscriptionKind, name: string): boolean {
    let subs = this.#byClient.get(client);
    if (subs === undefined) {
      subs = { channels: new Set(), patterns: new Set(), shardChannels: new Set() };
      this.#byClient.set(client, subs);
    }
    const own = this.#own(subs, kind);
    if (own.has(name)) return false;
    own.add(name);
    const index = this.#index(kind);
    let listeners = index.get(name);
    if (listeners === undefined) index.set(name, (listeners = new Set()));
    listeners.add(client);
    return true;
  }

  /** Removes one subscription; false when there was none. */
  remove(client: S, kind: SubscriptionKind, name: string): boolean {
    const subs = this.#byClient.get(client);
    if (subs === undefined) return false;
    const own = this.#own(subs, kind);
    if (!own.delete(name)) return false;
    const index = this.#index(kind);
    const listeners = index.get(name);
    listeners?.delete(client);
    if (listeners !== undefined && listeners.size === 0) index.delete(name);
    if (subs.channels.size + subs.patterns.size + subs.shardChannels.size === 0) this.#byClient.delete(client);
    return true;
  }

  /** The client's current subscriptions of one kind, in subscription order. */
  names(client: S, kind: SubscriptionKind): string[] {
    const subs = this.#byClient.get(client);
    return subs === undefined ? [] : [...this.#own(subs, kind)];
  }

  /** Forgets every subscription of a client (disconnect, RESET). */
  removeClient(client: S): void {
    for (const kind of ['channel', 'pattern', 'shard'] as const) for (const name of this.names(client, kind)) this.remove(client, kind, name);
  }

  /**
   * PUBLISH: delivers to channel subscribers and matching patterns; returns the receivers. Each
   * message is encoded once per protocol and copied into every receiver's reply buffer (100
   * subscribers: one encoding, 100 copies, instead of 400 writer calls).
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subscribers = this.#channels.get(channel);
    if (subscribers !== undefined) receivers += this.#deliver(subscribers, 'message', undefined, channel, message);
    if (this.#patterns.size > 0) {
      for (const [pattern, clients] of this.#patterns) {
        if (globMatch(pattern, channel)) receivers += this.#deliver(clients, 'pmessage', pattern, channel, message);
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channels only. */
  publishShard(channel: string, message: string): number {
    const subscribers = this.#shardChannels.get(channel);
    return subscribers === undefined ? 0 : this.#deliver(subscribers, 'smessage', undefined, channel, message);
  }

  /** Writes `[kind, pattern?, channel, message]` as a push (RESP3) or array (RESP2) to each client. */
  #deliver(clients: Set<S>, kind: string, pattern: string | undefined, channel: string, message: string): number {
    let body = `$${kind.length}\r\n${kind}\r\n`;
    if (pattern !== undefined) body += `$${pattern.length}\r\n${pattern}\r\n`;
    body += `$${channel.length}\r\n${channel}\r\n$${message.length}\r\n${message}\r\n`;
    const count = pattern === undefined ? 3 : 4;
    // Encoded to bytes once: copying bytes into each writer is cheaper than encoding a string.
    let resp2: Buffer | undefined;
    let resp3: Buffer | undefined;
    for (const client of clients) {
      const w = client.writer;
      if (w.protocol === 3) w.rawBytes((resp3 ??= Buffer.from(`>${count}\r\n${body}`, 'latin1')));
      else w.rawBytes((resp2 ??= Buffer.from(`*${count}\r\n${body}`, 'latin1')));
      this.#onDelivered(client);
    }
    return clients.size;
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS: active channel names matching the pattern. */
  activeChannels(kind: 'channel' | 'shard', pattern: string | undefined): string[] {
    const names = [...this.#index(kind).keys()];
    return pattern === undefined ? names : names.filter((name) => globMatch(pattern, name));
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel. */
  subscribersOf(kind: 'channel' | 'shard', channel: string): number {
    return this.#index(kind).get(channel)?.size ?? 0;
  }

  /** PUBSUB NUMPAT: distinct patterns with subscribers. */
  get patternCount(): number {
    return this.#patterns.size;
  }

  #own(subs: ClientSubscriptions, kind: SubscriptionKind): Set<string> {
    return kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shardChannels;
  }

  #index(kind: SubscriptionKind): Map<string, Set<S>> {
    return kind === 'channel' ? this.#channels : kind === 'pattern' ? this.#patterns : this.#shardChannels;
  }
}
