import type { ServerStats } from '../commands/server-facade.js';

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

  /** Counts an error reply by its code: the first word, as INFO errorstats does. */
  countError(message: string): void {
    this.totalErrorReplies++;
    const space = message.indexOf(' ');
    const code = space === -1 ? message : message.slice(0, space);
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + 1);
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
    this.errorCounts.clear();
  }
}
