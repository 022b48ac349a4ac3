import { spawn } from 'node:child_process';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigStore } from '../server/config/config-store.js';
import { ConfigFileError, argsToConfigText, loadConfigText } from '../server/config/config-file.js';
import { Logger, type LogLevel } from '../server/log.js';
import { TesseraServer } from '../server/server.js';

export const TESSERA_VERSION = '0.1.0';
const DAEMON_ENV = 'TESSERA_DAEMONIZED';

/**
 * `tessera server [config-file] [--directive value ...]`: like redis-server. Exits 1 with
 * Redis's message on a bad config line.
 */
export async function runServer(args: readonly string[]): Promise<void> {
  if (args[0] === '-v' || args[0] === '--version') {
    console.log(`Tessera server v=${TESSERA_VERSION} (Redis 7.0.15 compatible) node=${process.version}`);
    return;
  }
  if (args[0] === '-h' || args[0] === '--help') {
    console.log('Usage: tessera server [/path/to/redis.conf] [--port 7000] [--bind 127.0.0.1] [--<directive> <value> ...]');
    return;
  }
  const config = new ConfigStore();
  let fileText = '';
  let optionArgs = args;
  if (args[0] !== undefined && !args[0].startsWith('--')) {
    const file = args[0];
    optionArgs = args.slice(1);
    try {
      fileText = file === '-' ? readFileSync(0, 'latin1') : readFileSync(file, 'latin1');
    } catch (error) {
      console.error(`Fatal error, can't open config file '${file}': ${(error as NodeJS.ErrnoException).message}`);
      process.exit(1);
    }
    if (file !== '-') config.configFile = resolve(file);
  }
  const text = fileText + '\n' + argsToConfigText(optionArgs);
  try {
    loadConfigText(config, text);
  } catch (error) {
    if (error instanceof ConfigFileError) {
      console.error(`\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${error.lineNumber}\n>>> '${error.lineText}'\n${error.reason}`);
      process.exit(1);
    }
    throw error;
  }

  if (config.value('daemonize') === 'yes' && process.env[DAEMON_ENV] !== '1') {
    // Node cannot fork: start a detached copy of this process and let the parent exit.
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [DAEMON_ENV]: '1' },
    });
    child.unref();
    return;
  }

  const dir = config.value('dir');
  if (dir !== '') {
    try {
      process.chdir(dir);
    } catch (error) {
      console.error(`Can't chdir to '${dir}': ${(error as Error).message}`);
      process.exit(1);
    }
  }
  const logger = new Logger();
  logger.level = config.value('loglevel') as LogLevel;
  logger.file = config.value('logfile');
  config.onChange('loglevel', (value) => (logger.level = value as LogLevel));
  const daemonized = process.env[DAEMON_ENV] === '1';

  logger.warning('oO0OoO0OoO0Oo Tessera is starting oO0OoO0OoO0Oo');
  logger.warning(`Tessera version=${TESSERA_VERSION}, redis_version=7.0.15, bits=64, node=${process.version}, pid=${process.pid}, just started`);
  logger.warning(config.configFile ? 'Configuration loaded' : `Warning: no config file specified, using the default config. In order to specify a config file use tessera server /path/to/redis.conf`);
  for (const name of config.ignoredDirectives()) logger.notice(`Config directive '${name}' is accepted but not acted on yet (ignored)`);
  logger.role = 'M';


  const pidfile = config.value('pidfile') !== '' ? config.value('pidfile') : daemonized ? '/var/run/redis_6379.pid' : '';
  const exit = (code: number) => {
    if (pidfile !== '') {
      try {
        unlinkSync(pidfile);
      } catch {
        // already gone
      }
    }
    process.exit(code);
  };
  const server = new TesseraServer({ config, logger, onShutdown: () => exit(0) });
  // Installed before "Ready to accept connections": a supervisor may signal as soon as it sees it.
  const onSignal = (signal: string) => {
    logger.warning(`Received ${signal} scheduling shutdown...`);
    server.shutdown({});
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  try {
    await server.listen();
  } catch (error) {
    logger.warning(`Failed listening on port ${config.value('port')} (tcp), aborting: ${(error as Error).message}`);
    exit(1);
  }
  if (pidfile !== '') {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
    } catch (error) {
      logger.warning(`Failed to write PID file: ${(error as Error).message}`);
    }
  }
  logger.notice(`Running mode=standalone, port=${server.boundPort}.`);
  logger.warning('Server initialized');
  logger.notice('Ready to accept connections');

}
