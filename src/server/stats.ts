import type { ServerStats } from '../commands/server-facade.js';

/** Redis's STATS_METRIC_SAMPLES: instantaneous rates average the last 16 samples. */
const METRIC_SAMPLES = 16;
/** Redis samples the rates every 100 ms (run_with_period(100) in serverCron). */
export const METRIC_SAMPLE_PERIOD_MS = 100;

/**
 * A rate over a sliding window of samples, like Redis's trackInstantaneousMetric: each sample
 * is (counter delta) / (time delta), the reported value their mean.
 */
export class InstantaneousMetric {
  readonly #samples = new Float64Array(METRIC_SAMPLES);
  #index = 0;
  #lastCount = 0;
  #lastSampleMs = -1;

  /** Records the counter's value now; ignores a sample taken too soon after the last one. */
  sample(count: number, nowMs: number): void {
    if (this.#lastSampleMs >= 0) {
      const elapsedMs = nowMs - this.#lastSampleMs;
      if (elapsedMs <= 0) return;
      this.#samples[this.#index] = ((count - this.#lastCount) * 1000) / elapsedMs;
      this.#index = (this.#index + 1) % METRIC_SAMPLES;
    }
    this.#lastCount = count;
    this.#lastSampleMs = nowMs;
  }

  /** Per second. */
  get rate(): number {
    let sum = 0;
    for (const value of this.#samples) sum += value;
    return sum / METRIC_SAMPLES;
  }

  reset(): void {
    this.#samples.fill(0);
    this.#lastSampleMs = -1;
  }
}

export class Stats implements ServerStats {
  totalConnectionsReceived = 0;
  totalCommandsProcessed = 0;
  rejectedConnections = 0;
  totalNetInputBytes = 0;
  totalNetOutputBytes = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalErrorReplies = 0;
  errorCounts = new Map<string, number>();
  /** Reads and writes on client sockets (INFO total_reads_processed / total_writes_processed). */
  totalReadsProcessed = 0;
  totalWritesProcessed = 0;
  readonly opsPerSec = new InstantaneousMetric();
  readonly inputBytesPerSec = new InstantaneousMetric();
  readonly outputBytesPerSec = new InstantaneousMetric();
  /** Also cleared by CONFIG RESETSTAT: the per-command counters (the server wires this). */
  onReset: (() => void) | undefined;

  /** Counts an error reply by its code: the first word, as INFO errorstats does. */
  countError(message: string): void {
    this.totalErrorReplies++;
    const space = message.indexOf(' ');
    const code = space === -1 ? message : message.slice(0, space);
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + 1);
  }

  /** Called from the tick every METRIC_SAMPLE_PERIOD_MS. */
  sampleRates(nowMs: number): void {
    this.opsPerSec.sample(this.totalCommandsProcessed, nowMs);
    this.inputBytesPerSec.sample(this.totalNetInputBytes, nowMs);
    this.outputBytesPerSec.sample(this.totalNetOutputBytes, nowMs);
  }

  reset(): void {
    this.totalConnectionsReceived = 0;
    this.totalCommandsProcessed = 0;
    this.rejectedConnections = 0;
    this.totalNetInputBytes = 0;
    this.totalNetOutputBytes = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.totalErrorReplies = 0;
    this.totalReadsProcessed = 0;
    this.totalWritesProcessed = 0;
    this.errorCounts.clear();
    this.opsPerSec.reset();
    this.inputBytesPerSec.reset();
    this.outputBytesPerSec.reset();
    this.onReset?.();
  }
}
