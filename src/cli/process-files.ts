import { appendFileSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Logger } from '../server/log.js';

/** The pid file and unix socket a node owns on disk: written at start, removed at exit. */
export class ProcessFiles {
  readonly #logger: Logger;
  readonly #pidfile: string;
  readonly #unixSocket: string;
  #pidfileWritten = false;

  constructor(logger: Logger, pidfile: string, unixSocket: string) {
    this.#logger = logger;
    this.#pidfile = pidfile;
    this.#unixSocket = unixSocket;
  }

  /** Can the log file be opened for append? Returns the reason when not (Redis exits then). */
  static checkLogFile(path: string): string | null {
    try {
      appendFileSync(path, '');
      return null;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (error as Error).message;
    }
  }

  writePidFile(): void {
    if (this.#pidfile === '') return;
    try {
      writeFileSync(this.#pidfile, `${process.pid}\n`);
      this.#pidfileWritten = true;
    } catch (error) {
      this.#logger.warning(`Failed to write PID file: ${(error as Error).message}`);
    }
  }

  /** prepareForShutdown's clean-up, with its log lines. */
  removeOnExit(): void {
    if (this.#pidfileWritten) {
      this.#logger.notice('Removing the pid file.');
      tryUnlink(this.#pidfile);
    }
    if (this.#unixSocket !== '') {
      this.#logger.notice('Removing the unix socket file.');
      tryUnlink(this.#unixSocket);
    }
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to clean.
  }
}
