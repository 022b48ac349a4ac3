import { encodeCommand } from '../../../src/resp/reply-parser.js';
import { RawClient } from '../../support/raw-client.js';
import type { Outcome } from './reply-compare.js';

/** How long a command may stay without a reply before it counts as silent (CLIENT REPLY OFF). */
export const SILENT_AFTER_MS = 2000;

/** One connection to real Redis and one to Tessera, driven in lockstep. */
export class ServerPair {
  readonly redisPort: number;
  readonly tesseraPort: number;
  #redis: RawClient | undefined;
  #tessera: RawClient | undefined;

  constructor(redisPort: number, tesseraPort: number) {
    this.redisPort = redisPort;
    this.tesseraPort = tesseraPort;
  }

  /** Fresh connections on both sides (closing any previous ones). */
  async reconnect(): Promise<void> {
    this.close();
    // Nil markers on: `$-1`, `*-1` and `_` differ in bytes even where clients see the same nil.
    const options = { nullMarkers: true };
    [this.#redis, this.#tessera] = await Promise.all([RawClient.connect(this.redisPort, '127.0.0.1', options), RawClient.connect(this.tesseraPort, '127.0.0.1', options)]);
  }

  /** Sends one command to both, in parallel; reconnects first if a side was closed (QUIT). */
  async exchange(argv: readonly string[]): Promise<[redis: Outcome, tessera: Outcome]> {
    if (this.#redis === undefined || this.#tessera === undefined || this.#redis.closed || this.#tessera.closed) await this.reconnect();
    const bytes = encodeCommand(argv);
    return Promise.all([roundTrip(this.#redis as RawClient, bytes), roundTrip(this.#tessera as RawClient, bytes)]);
  }

  /** Writes a batch of commands in one write to each side and reads as many replies. */
  async pipeline(batch: readonly (readonly string[])[]): Promise<[redis: Outcome[], tessera: Outcome[]]> {
    if (this.#redis === undefined || this.#tessera === undefined || this.#redis.closed || this.#tessera.closed) await this.reconnect();
    const bytes = Buffer.concat(batch.map((argv) => encodeCommand(argv)));
    return Promise.all([readMany(this.#redis as RawClient, bytes, batch.length), readMany(this.#tessera as RawClient, bytes, batch.length)]);
  }

  close(): void {
    this.#redis?.close();
    this.#tessera?.close();
    this.#redis = undefined;
    this.#tessera = undefined;
  }
}

async function roundTrip(client: RawClient, bytes: Buffer): Promise<Outcome> {
  client.writeRaw(bytes);
  try {
    return { kind: 'reply', reply: await client.read(SILENT_AFTER_MS) };
  } catch {
    return client.closed ? { kind: 'closed' } : { kind: 'silent' };
  }
}

async function readMany(client: RawClient, bytes: Buffer, count: number): Promise<Outcome[]> {
  client.writeRaw(bytes);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < count; i++) {
    try {
      outcomes.push({ kind: 'reply', reply: await client.read(SILENT_AFTER_MS) });
    } catch {
      outcomes.push(client.closed ? { kind: 'closed' } : { kind: 'silent' });
    }
  }
  return outcomes;
}
