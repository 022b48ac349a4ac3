import { appendFileSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigStore } from '../server/config/config-store.js';
import { ConfigFileError, ConfigFileOpenError, REDIS_VERSION, loadConfigText, parseCommandLine } from '../server/config/config-file.js';
import { Logger, type LogLevel } from '../server/log.js';
import { TesseraServer } from '../server/server.js';
import { AofFatalError } from '../persistence/aof/append-only-file.js';
import { NodesConfFileError } from '../server/cluster/nodes-conf-file.js';
import { DAEMON_ENV, daemonize, notifyDaemonParent } from './daemonize.js';
import { ProcessFiles } from './process-files.js';
import { externalStringsEnabled } from '../lib/external-strings.js';

export const TESSERA_VERSION = '0.1.0';

/**
 * `tessera server [config-file] [--directive value ...]`: like redis-server, including its
 * config errors (stderr, exit 1), daemonize, pidfile, logfile and signal handling.
 */
export async function runServer(args: readonly string[]): Promise<void> {
  if (args[0] === '-v' || args[0] === '--version') {
    console.log(`Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=tessera-${TESSERA_VERSION}`);
    return;
  }
  if (args[0] === '-h' || args[0] === '--help') {
    console.log(
      [
        'Usage: tessera server [/path/to/redis.conf] [options] [-]',
        '       tessera server - (read config from stdin)',
        '       tessera server -v or --version',
        '       tessera server -h or --help',
        '',
        'Examples:',
        '       tessera server (run the server with default conf)',
        '       tessera server /etc/redis/6379.conf',
        '       tessera server --port 7777',
        '       tessera server /etc/myredis.conf --loglevel verbose -',
        '       tessera server /etc/myredis.conf --loglevel verbose',
      ].join('\n'),
    );
    return;
  }
  const config = loadConfigOrExit(args);
  const daemonized = process.env[DAEMON_ENV] === '1';
  if (config.value('daemonize') === 'yes' && !daemonized) {
    // Node cannot fork: a detached copy of this process is the daemon; we exit once it listens.
    process.exit(await daemonize());
  }
  process.chdir(config.value('dir'));

  const logger = new Logger();
  logger.level = config.value('loglevel') as LogLevel;
  const logfile = config.value('logfile');
  if (logfile !== '') {
    const problem = ProcessFiles.checkLogFile(logfile);
    if (problem !== null) {
      console.error(`Can't open the log file: ${problem}`);
      process.exit(1);
    }
    logger.file = logfile;
  } else if (daemonized) {
    // A daemon with no logfile logs to /dev/null, as Redis does.
    logger.file = '/dev/null';
  }

  logger.warning('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  logger.warning(`Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started (Tessera ${TESSERA_VERSION}, node ${process.version})`);
  logger.warning(
    config.configFile !== undefined
      ? 'Configuration loaded'
      : 'Warning: no config file specified, using the default config. In order to specify a config file use tessera server /path/to/redis.conf',
  );
  for (const name of config.ignoredDirectives()) logger.notice(`Config directive '${name}' is accepted but not acted on by Tessera (ignored)`);
  logger.role = 'M';

  // Redis writes a pid file when asked, and always when daemonized.
  const pidfile = config.value('pidfile') !== '' ? config.value('pidfile') : daemonized ? '/var/run/redis.pid' : '';
  const files = new ProcessFiles(logger, pidfile, config.value('unixsocket'));
  // The server logs its last line right after this hook; the process ends on the next turn.
  const onShutdown = () => {
    files.removeOnExit();
    setImmediate(() => process.exit(0));
  };
  const server = new TesseraServer({ config, logger, onShutdown });
  // Before listening, so a signal sent as soon as we are reachable is handled.
  installSignalHandlers(logger, () => {
    try {
      server.shutdown({});
      return true;
    } catch {
      // The final save failed: Redis stays up (shutdown-on-sigterm default) and says so.
      logger.warning('SIGTERM received but errors trying to shut down the server, check the logs for more information');
      return false;
    }
  });
  try {
    await server.listen();
  } catch (error) {
    if (error instanceof NodesConfFileError) {
      // A locked or corrupt nodes.conf: Redis's message, exit 1 (it must not start as a new node).
      logger.warning(error.message);
      files.removeOnExit();
      process.exit(1);
    }
    logger.warning(`Failed listening on port ${config.value('port')} (tcp), aborting: ${(error as Error).message}`);
    files.removeOnExit();
    process.exit(1);
  }
  files.writePidFile();
  logger.notice(`Running mode=${config.value('cluster-enabled') === 'yes' ? 'cluster' : 'standalone'}, port=${server.boundPort}.`);
  if (!externalStringsEnabled) {
    // Built by npm ci (scripts/build-native.mjs); missing after a failed build or a Node upgrade.
    logger.notice('Native strings module not loaded: arguments of 512 bytes or more stay on the V8 heap (docs/external-strings.md)');
  }
  logger.warning('Server initialized');
  // Like Redis, the node listens while it loads and answers -LOADING until the data is in.
  try {
    await server.loadDataFromDisk();
  } catch (error) {
    // A bad AOF or manifest: the reason is logged already; Redis exits with status 1.
    if (!(error instanceof AofFatalError)) logger.warning((error as Error).message);
    files.removeOnExit();
    process.exit(1);
  }
  logger.notice('Ready to accept connections');
  if (config.value('unixsocket') !== '') logger.notice(`The server is now ready to accept connections at ${config.value('unixsocket')}`);
  if (daemonized) notifyDaemonParent();
}

/** Reads the file (or stdin) and the options; prints Redis's fatal message and exits 1 on error. */
function loadConfigOrExit(args: readonly string[]): ConfigStore {
  const config = new ConfigStore();
  const commandLine = parseCommandLine(args);
  let fileText = '';
  try {
    if (commandLine.configFile !== undefined) {
      fileText = readConfigFile(commandLine.configFile);
      config.configFile = resolve(commandLine.configFile);
    }
    if (commandLine.fromStdin) {
      new Logger().warning('Reading config from stdin');
      fileText += readFileSync(0, 'latin1');
    }
    // Redis appends the options after the file and a newline (loadServerConfig).
    const text = commandLine.optionText === '' ? fileText : `${fileText}\n${commandLine.optionText}`;
    loadConfigText(config, text);
  } catch (error) {
    if (error instanceof ConfigFileError) {
      process.stderr.write(error.message);
      process.exit(1);
    }
    if (error instanceof ConfigFileOpenError) {
      new Logger().warning(error.message);
      process.exit(1);
    }
    throw error;
  }
  return config;
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigFileOpenError(path, code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (error as Error).message);
  }
}

/**
 * SIGTERM / SIGINT: shut down cleanly with Redis's log lines. A second SIGINT while shutting
 * down exits at once, as Redis does ("You insist...").
 */
function installSignalHandlers(logger: Logger, shutdown: () => boolean): void {
  let shuttingDown = false;
  const onSignal = (signal: 'SIGTERM' | 'SIGINT') => {
    if (shuttingDown && signal === 'SIGINT') {
      logFromSignalHandler(logger, 'You insist... exiting now.');
      process.exit(1);
    }
    if (shuttingDown) return;
    shuttingDown = true;
    logFromSignalHandler(logger, `Received ${signal} scheduling shutdown...`);
    if (!shutdown()) shuttingDown = false;
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

/** serverLogFromHandler's format: `pid:signal-handler (unix-seconds) message`. */
function logFromSignalHandler(logger: Logger, message: string): void {
  const line = `${process.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) ${message}\n`;
  try {
    if (logger.file === '') writeSync(1, line);
    else appendFileSync(logger.file, line);
  } catch {
    // Logging must never stop the shutdown.
  }
}
