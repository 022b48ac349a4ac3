import type { Directive } from './directive.js';
import {
  bindDirective,
  clientOutputBufferLimitDirective,
  dirDirective,
  latencyPercentilesDirective,
  notifyKeyspaceEventsDirective,
  oomScoreAdjValuesDirective,
  replicaofDirective,
  saveDirective,
} from './special-directives.js';
import {
  INT_MAX,
  INT_MIN,
  LONG_MAX,
  UINT_MAX,
  ULLONG_MAX,
  boolDirective as bool,
  enumDirective as oneOf,
  numericDirective as num,
  stringDirective as str,
  type Common,
} from './value-types.js';

/** Shorthands for Redis's flags. */
const immutable: Common = { mutable: false };
const done: Common = { implemented: true };
const immutableDone: Common = { mutable: false, implemented: true };
const MB = 1024n * 1024n;
const protectedAction = ['no', 'yes', 'local'];
const shutdownFlags = ['default', 'save', 'nosave', 'now', 'force'];

function notPath(what: string) {
  return (value: string) => (value.includes('/') ? `${what} can't be a path, just a filename` : null);
}

/**
 * isValidProcTitleTemplate: sdstemplate's rules ('{{' is a literal brace, '{name}' a variable,
 * unknown variables or an unclosed '{' are errors) and the expansion with an empty {title}
 * must not be empty.
 */
function procTitleTemplate(value: string): string | null {
  const invalid = 'template format is invalid or contains unknown variables';
  // Variables that expand to something even at validation time (title is '' then).
  const nonEmpty = new Set(['listen-addr', 'port', 'tls-port']);
  const known = new Set(['title', 'server-mode', 'unixsocket', 'config-file', ...nonEmpty]);
  let length = 0;
  let i = 0;
  while (i < value.length) {
    const open = value.indexOf('{', i);
    if (open === -1) {
      length += value.length - i;
      break;
    }
    length += open - i;
    if (open + 1 >= value.length) return invalid;
    if (value[open + 1] === '{') {
      length++;
      i = open + 2;
      continue;
    }
    const close = value.indexOf('}', open + 1);
    if (close === -1) return invalid;
    const variable = value.slice(open + 1, close);
    if (!known.has(variable)) return invalid;
    if (nonEmpty.has(variable)) length++;
    i = close + 1;
  }
  return length === 0 ? invalid : null;
}

/** isValidActiveDefrag: like a Redis built without its patched jemalloc, Tessera cannot defrag. */
function noActiveDefrag(value: string): string | null {
  return value === 'yes'
    ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'
    : null;
}

function hostname(value: string): string | null {
  return /^[A-Za-z0-9.-]*$/.test(value) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

/**
 * Every directive redis-server 7.0.15 accepts (its standardConfig table, src/config.c), with
 * Redis's defaults, bounds, aliases and mutability. `implemented: true` marks the ones Tessera
 * acts on; the rest are accepted, stored (CONFIG GET shows them), and logged as ignored at start.
 * docs/config-directives.md is generated from this table (scripts/generate-config-docs.ts).
 */
export const directives: readonly Directive[] = [
  // ---- network and clients ----
  num('port', 6379n, 0n, 65535n, { ...done, note: 'CONFIG SET stores it; the listener moves at the next start' }),
  bindDirective,
  str('bind-source-addr', ''),
  bool('protected-mode', true, done),
  num('tcp-backlog', 511n, 0n, INT_MAX, immutableDone),
  num('tcp-keepalive', 300n, 0n, INT_MAX, done),
  num('timeout', 0n, 0n, INT_MAX, done),
  str('unixsocket', '', immutableDone),
  num('unixsocketperm', 0n, 0n, 0o777n, { ...immutableDone, format: 'octal', unsigned: true }),
  num('maxclients', 10000n, 1n, UINT_MAX, { ...done, unsigned: true }),
  num('socket-mark-id', 0n, 0n, UINT_MAX, { ...immutable, unsigned: true }),
  num('proto-max-bulk-len', 512n * MB, MB, LONG_MAX, { ...done, format: 'memory' }),
  num('client-query-buffer-limit', 1024n * MB, MB, LONG_MAX, { ...done, format: 'memory', unsigned: true }),
  clientOutputBufferLimitDirective,
  num('maxmemory-clients', 0n, -100n, LONG_MAX, { format: 'memory-percent' }),
  num('tracking-table-max-keys', 1000000n, 0n, LONG_MAX, { unsigned: true }),

  // ---- general ----
  bool('daemonize', false, immutableDone),
  oneOf('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], immutable),
  str('pidfile', '', immutableDone),
  oneOf('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning'], done),
  str('logfile', '', immutableDone),
  bool('syslog-enabled', false, immutable),
  str('syslog-ident', 'redis', immutable),
  oneOf('syslog-facility', 'local0', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], immutable),
  bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true),
  num('databases', 16n, 1n, INT_MAX, immutableDone),
  bool('always-show-logo', false, immutable),
  bool('set-proc-title', true, immutable),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', { validate: procTitleTemplate }),
  oneOf('enable-protected-configs', 'no', protectedAction, immutableDone),
  oneOf('enable-debug-command', 'no', protectedAction, immutableDone),
  oneOf('enable-module-command', 'no', protectedAction, immutable),
  // updateHZ clamps to CONFIG_MIN_HZ..CONFIG_MAX_HZ.
  num('hz', 10n, 0n, INT_MAX, { ...done, adjust: (n) => (n < 1n ? 1n : n > 500n ? 500n : n) }),
  bool('dynamic-hz', true),
  num('active-expire-effort', 1n, 1n, 10n),
  dirDirective,
  str('ignore-warnings', ''),
  bool('disable-thp', true, immutable),
  oneOf('shutdown-on-sigint', 'default', shutdownFlags, { multiFlag: true }),
  oneOf('shutdown-on-sigterm', 'default', shutdownFlags, { multiFlag: true }),
  num('shutdown-timeout', 10n, 0n, INT_MAX),
  bool('jemalloc-bg-thread', true),
  str('server_cpulist', '', immutable),
  str('bio_cpulist', '', immutable),
  str('aof_rewrite_cpulist', '', immutable),
  str('bgsave_cpulist', '', immutable),
  num('io-threads', 1n, 1n, 128n, immutable),
  bool('io-threads-do-reads', false, immutable),
  oneOf('oom-score-adj', 'no', ['no', 'yes', 'relative', 'absolute']),
  oomScoreAdjValuesDirective,

  // ---- snapshots and AOF ----
  saveDirective,
  bool('stop-writes-on-bgsave-error', true, done),
  bool('rdbcompression', true, done),
  bool('rdbchecksum', true, immutableDone),
  oneOf('sanitize-dump-payload', 'no', ['no', 'yes', 'clients']),
  str('dbfilename', 'dump.rdb', { ...done, protectedConfig: true, validate: notPath('dbfilename') }),
  bool('rdb-del-sync-files', false),
  bool('rdb-save-incremental-fsync', true),
  // Redis's test knobs (hidden): microseconds of sleep per key saved / loaded.
  num('rdb-key-save-delay', 0n, INT_MIN, INT_MAX, { ...done, hidden: true, note: 'hidden test knob (CONFIG GET * skips it): µs of delay per key saved' }),
  num('key-load-delay', 0n, INT_MIN, INT_MAX, { ...done, hidden: true, note: 'hidden test knob (CONFIG GET * skips it): µs of delay per key loaded' }),
  bool('appendonly', false, done),
  str('appendfilename', 'appendonly.aof', { ...immutableDone, validate: notPath('appendfilename') }),
  str('appenddirname', 'appendonlydir', { ...immutableDone, validate: notPath('appenddirname') }),
  oneOf('appendfsync', 'everysec', ['everysec', 'always', 'no'], done),
  bool('no-appendfsync-on-rewrite', false, done),
  num('auto-aof-rewrite-percentage', 100n, 0n, INT_MAX, done),
  num('auto-aof-rewrite-min-size', 64n * MB, 0n, LONG_MAX, { format: 'memory', ...done }),
  bool('aof-load-truncated', true, done),
  bool('aof-use-rdb-preamble', true, done),
  bool('aof-rewrite-incremental-fsync', true),
  bool('aof-timestamp-enabled', false, done),
  bool('aof-disable-auto-gc', false, done),

  // ---- replication ----
  replicaofDirective,
  str('masterauth', ''),
  str('masteruser', ''),
  bool('replica-serve-stale-data', true, { aliases: ['slave-serve-stale-data'] }),
  bool('replica-read-only', true, { aliases: ['slave-read-only'] }),
  bool('repl-diskless-sync', true),
  num('repl-diskless-sync-delay', 5n, 0n, INT_MAX),
  num('repl-diskless-sync-max-replicas', 0n, 0n, INT_MAX),
  oneOf('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
  num('repl-ping-replica-period', 10n, 1n, INT_MAX, { aliases: ['repl-ping-slave-period'] }),
  num('repl-timeout', 60n, 1n, INT_MAX),
  bool('repl-disable-tcp-nodelay', false),
  // CONFIG SET's resizeReplicationBacklog raises it to CONFIG_REPL_BACKLOG_MIN_SIZE (not the file).
  num('repl-backlog-size', MB, 1n, LONG_MAX, { format: 'memory', adjust: (n, fromFile) => (!fromFile && n < 16384n ? 16384n : n) }),
  num('repl-backlog-ttl', 3600n, 0n, LONG_MAX),
  num('replica-priority', 100n, 0n, INT_MAX, { aliases: ['slave-priority'] }),
  bool('replica-announced', true),
  num('min-replicas-to-write', 0n, 0n, INT_MAX, { aliases: ['min-slaves-to-write'] }),
  num('min-replicas-max-lag', 10n, 0n, INT_MAX, { aliases: ['min-slaves-max-lag'] }),
  str('replica-announce-ip', '', { aliases: ['slave-announce-ip'] }),
  num('replica-announce-port', 0n, 0n, 65535n, { aliases: ['slave-announce-port'] }),
  bool('replica-lazy-flush', false, { aliases: ['slave-lazy-flush'] }),
  bool('replica-ignore-maxmemory', true, { aliases: ['slave-ignore-maxmemory'] }),
  bool('replica-ignore-disk-write-errors', false),
  oneOf('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),

  // ---- security ----
  str('requirepass', '', done),
  str('aclfile', '', immutable),
  num('acllog-max-len', 128n, 0n, LONG_MAX, { unsigned: true }),
  oneOf('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),

  // ---- memory ----
  num('maxmemory', 0n, 0n, ULLONG_MAX, { format: 'memory', unsigned: true }),
  oneOf('maxmemory-policy', 'noeviction', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction']),
  num('maxmemory-samples', 5n, 1n, INT_MAX),
  num('maxmemory-eviction-tenacity', 10n, 0n, 100n),
  num('lfu-log-factor', 10n, 0n, INT_MAX),
  num('lfu-decay-time', 1n, 0n, INT_MAX),
  bool('lazyfree-lazy-eviction', false),
  bool('lazyfree-lazy-expire', false),
  bool('lazyfree-lazy-server-del', false),
  bool('lazyfree-lazy-user-del', false),
  bool('lazyfree-lazy-user-flush', false),
  bool('activedefrag', false, { validate: noActiveDefrag }),
  num('active-defrag-ignore-bytes', 100n * MB, 1n, LONG_MAX, { format: 'memory', unsigned: true }),
  num('active-defrag-threshold-lower', 10n, 0n, 1000n),
  num('active-defrag-threshold-upper', 100n, 0n, 1000n),
  num('active-defrag-cycle-min', 1n, 1n, 99n),
  num('active-defrag-cycle-max', 25n, 1n, 99n),
  num('active-defrag-max-scan-fields', 1000n, 1n, LONG_MAX, { unsigned: true }),
  bool('activerehashing', true),

  // ---- data structure encodings ----
  num('hash-max-listpack-entries', 512n, 0n, LONG_MAX, { aliases: ['hash-max-ziplist-entries'], unsigned: true }),
  num('hash-max-listpack-value', 64n, 0n, LONG_MAX, { aliases: ['hash-max-ziplist-value'], format: 'memory', unsigned: true }),
  num('list-max-listpack-size', -2n, INT_MIN, INT_MAX, { aliases: ['list-max-ziplist-size'] }),
  num('list-compress-depth', 0n, 0n, INT_MAX, { ...done, note: 'RDB and DUMP write inner quicklist nodes LZF-compressed as Redis does; lists stay uncompressed in memory' }),
  num('set-max-intset-entries', 512n, 0n, LONG_MAX, { unsigned: true }),
  num('zset-max-listpack-entries', 128n, 0n, LONG_MAX, { aliases: ['zset-max-ziplist-entries'], unsigned: true }),
  num('zset-max-listpack-value', 64n, 0n, LONG_MAX, { aliases: ['zset-max-ziplist-value'], format: 'memory', unsigned: true }),
  num('hll-sparse-max-bytes', 3000n, 0n, LONG_MAX, { format: 'memory', unsigned: true }),
  num('stream-node-max-bytes', 4096n, 0n, LONG_MAX, { format: 'memory', unsigned: true }),
  num('stream-node-max-entries', 100n, 0n, LONG_MAX),

  // ---- events, latency, slow log ----
  notifyKeyspaceEventsDirective,
  num('slowlog-log-slower-than', 10000n, -1n, LONG_MAX, done),
  num('slowlog-max-len', 128n, 0n, LONG_MAX, { ...done, unsigned: true }),
  num('latency-monitor-threshold', 0n, 0n, LONG_MAX),
  bool('latency-tracking', true),
  latencyPercentilesDirective,
  num('busy-reply-threshold', 5000n, 0n, LONG_MAX, { aliases: ['lua-time-limit'] }),

  // ---- cluster ----
  bool('cluster-enabled', false, immutableDone),
  str('cluster-config-file', 'nodes.conf', immutableDone),
  num('cluster-node-timeout', 15000n, 0n, LONG_MAX, done),
  num('cluster-port', 0n, 0n, 65535n, immutableDone),
  num('cluster-replica-validity-factor', 10n, 0n, INT_MAX, { aliases: ['cluster-slave-validity-factor'] }),
  num('cluster-migration-barrier', 1n, 0n, INT_MAX),
  bool('cluster-allow-replica-migration', true, done),
  bool('cluster-require-full-coverage', true, done),
  bool('cluster-replica-no-failover', false, { aliases: ['cluster-slave-no-failover'] }),
  bool('cluster-allow-reads-when-down', false, done),
  bool('cluster-allow-pubsubshard-when-down', true, done),
  num('cluster-link-sendbuf-limit', 0n, 0n, ULLONG_MAX, { format: 'memory', unsigned: true, implemented: true }),
  str('cluster-announce-ip', '', done),
  str('cluster-announce-hostname', '', { validate: hostname, implemented: true }),
  oneOf('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint'], done),
  num('cluster-announce-port', 0n, 0n, 65535n, done),
  num('cluster-announce-bus-port', 0n, 0n, 65535n, done),
  num('cluster-announce-tls-port', 0n, 0n, 65535n),

  // ---- TLS (accepted; Tessera has no TLS listener yet) ----
  num('tls-port', 0n, 0n, 65535n),
  str('tls-cert-file', ''),
  str('tls-key-file', ''),
  str('tls-key-file-pass', ''),
  str('tls-client-cert-file', ''),
  str('tls-client-key-file', ''),
  str('tls-client-key-file-pass', ''),
  str('tls-dh-params-file', ''),
  str('tls-ca-cert-file', ''),
  str('tls-ca-cert-dir', ''),
  oneOf('tls-auth-clients', 'yes', ['no', 'yes', 'optional']),
  bool('tls-replication', false),
  bool('tls-cluster', false),
  str('tls-protocols', ''),
  str('tls-ciphers', ''),
  str('tls-ciphersuites', ''),
  bool('tls-prefer-server-ciphers', false),
  bool('tls-session-caching', true),
  num('tls-session-cache-size', 20480n, 0n, INT_MAX),
  num('tls-session-cache-timeout', 300n, 0n, INT_MAX),
];

/** Lines of redis.conf that are not configs but commands to the loader (loadServerConfigFromString). */
export const loaderDirectives = ['include', 'rename-command', 'user', 'loadmodule', 'sentinel'] as const;
