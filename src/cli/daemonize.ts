import { spawn } from 'node:child_process';

/** Set in the daemon's environment so it does not daemonize again. */
export const DAEMON_ENV = 'TESSERA_DAEMONIZED';
/** How long the parent waits for the daemon to listen before giving up. */
const DAEMON_READY_TIMEOUT_MS = 10_000;

/**
 * Redis forks and the parent exits 0 at once. Node cannot fork, so we start a detached copy of
 * this process (same arguments) with no terminal, wait until it is listening (it says so over
 * an IPC channel), and return the exit code for the parent: 0 when the daemon is ready, 1 when
 * it died or never got ready (its own log says why).
 */
export function daemonize(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: { ...process.env, [DAEMON_ENV]: '1' },
    });
    const finish = (code: number) => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    const timer = setTimeout(() => finish(1), DAEMON_READY_TIMEOUT_MS);
    child.once('message', (message) => finish(message === 'ready' ? 0 : 1));
    child.once('exit', () => finish(1));
    child.once('error', () => finish(1));
  });
}

/** In the daemon: tells the waiting parent we listen, then drops the channel so it can exit. */
export function notifyDaemonParent(): void {
  if (process.send === undefined) return;
  process.send('ready', () => {
    if (process.connected) process.disconnect();
  });
}
