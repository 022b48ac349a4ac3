import type { SlowlogEntry, SlowlogFacade } from '../commands/server-facade.js';

/** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const MAX_ARGS = 32;
const MAX_ARG_CHARS = 128;

/**
 * The first `chars` chars of `text` as a string of their own. V8 makes `text.slice()` of 13
 * chars or more a view that keeps all of `text` alive: an entry kept the whole argument (a
 * 50 MB value per slow SET, up to slowlog-max-len of them).
 */
function copiedPrefix(text: string, chars: number): string {
  return Buffer.from(text.slice(0, chars), 'latin1').latin1Slice();
}

export class Slowlog implements SlowlogFacade {
  #entries: SlowlogEntry[] = [];
  #nextId = 0;
  thresholdUs = 10000;
  maxLength = 128;

  get length(): number {
    return this.#entries.length;
  }

  /** Records a command that took durationUs if it crossed the threshold (negative: disabled). */
  maybeRecord(durationUs: number, argv: readonly string[], clientAddress: string, clientName: string, nowMs: number): void {
    if (this.thresholdUs < 0 || durationUs < this.thresholdUs || this.maxLength === 0) return;
    let kept = argv.slice(0, argv.length > MAX_ARGS ? MAX_ARGS - 1 : MAX_ARGS).map((arg) =>
      arg.length > MAX_ARG_CHARS ? `${copiedPrefix(arg, MAX_ARG_CHARS)}... (${arg.length - MAX_ARG_CHARS} more bytes)` : arg,
    );
    if (argv.length > MAX_ARGS) kept = [...kept, `... (${argv.length - MAX_ARGS + 1} more arguments)`];
    this.#entries.unshift({
      id: this.#nextId++,
      timestampUnixSeconds: Math.floor(nowMs / 1000),
      durationUs: Math.round(durationUs),
      argv: kept,
      clientAddress,
      clientName,
    });
    if (this.#entries.length > this.maxLength) this.#entries.length = this.maxLength;
  }

  entries(count: number): readonly SlowlogEntry[] {
    return count < 0 ? this.#entries : this.#entries.slice(0, count);
  }

  reset(): void {
    this.#entries = [];
  }
}
