import { appendFileSync, writeSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';
const levelRank: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };
const levelMark: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Log lines in Redis's format, `pid:R dd Mon yyyy hh:mm:ss.mmm <mark> message`, with R the role
 * (M primary, S replica, C start-up) and the mark the level. Written synchronously, like Redis,
 * so the lines tools wait for ("Ready to accept connections") appear at once.
 */
export class Logger {
  level: LogLevel = 'notice';
  role: 'M' | 'S' | 'C' = 'C';
  /** Empty: standard output. */
  file = '';

  log(level: LogLevel, message: string): void {
    if (levelRank[level] < levelRank[this.level]) return;
    const now = new Date();
    const time =
      `${pad(now.getDate())} ${months[now.getMonth()]} ${now.getFullYear()} ` +
      `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${String(now.getMilliseconds()).padStart(3, '0')}`;
    const line = `${process.pid}:${this.role} ${time} ${levelMark[level]} ${message}\n`;
    try {
      if (this.file === '') writeSync(1, line);
      else appendFileSync(this.file, line);
    } catch {
      // Logging must never take the node down (a closed stdout, a full disk).
    }
  }

  debug(message: string): void {
    this.log('debug', message);
  }
  verbose(message: string): void {
    this.log('verbose', message);
  }
  notice(message: string): void {
    this.log('notice', message);
  }
  warning(message: string): void {
    this.log('warning', message);
  }
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
