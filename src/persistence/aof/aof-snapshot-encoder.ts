import type { StoredValue } from '../../keyspace/stored-value.js';
import type { SnapshotEncoder } from '../snapshot/snapshot.js';
import { encodeSelect } from './resp-command.js';
import { keyAsCommands } from './rewrite-commands.js';

/** Encoded text kept before it is handed out as one Buffer. */
const CHUNK_BYTES = 64 * 1024;

/**
 * A snapshot encoder that writes keys as the commands that rebuild them: the base file of
 * an AOF with aof-use-rdb-preamble no (Redis's rewriteAppendOnlyFileRio).
 */
export class AofSnapshotEncoder implements SnapshotEncoder {
  #parts: string[] = [];
  #partBytes = 0;
  #chunks: Buffer[] = [];

  /** aof-timestamp-enabled: the base starts with the rewrite's time (Redis's rewriteAppendOnlyFileRio). */
  constructor(timestampSec?: number) {
    if (timestampSec !== undefined) this.#emit(`#TS:${timestampSec}\r\n`);
  }

  selectDb(dbIndex: number): void {
    this.#emit(encodeSelect(dbIndex));
  }

  entry(key: string, value: StoredValue, expireAtMs: number | undefined): void {
    keyAsCommands(key, value, expireAtMs, (resp) => this.#emit(resp));
  }

  takeChunks(): Buffer[] {
    this.#seal();
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks;
  }

  #emit(text: string): void {
    this.#parts.push(text);
    this.#partBytes += text.length;
    if (this.#partBytes >= CHUNK_BYTES) this.#seal();
  }

  #seal(): void {
    if (this.#partBytes === 0) return;
    this.#chunks.push(Buffer.from(this.#parts.join(''), 'latin1'));
    this.#parts = [];
    this.#partBytes = 0;
  }
}
