import type { Directive } from './directive.js';
import { boolDirective, enumDirective, intDirective, memoryDirective, stringDirective } from './value-types.js';

const INT_MAX = 2147483647;
const LONG_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Every directive redis-server 7.0 accepts. `implemented: true` marks the ones Tessera acts on;
 * the rest are accepted and stored (CONFIG GET shows them) and logged as ignored at start.
 */
export const directives: readonly Directive[] = [
  intDirective('port', 6379, 0, 65535, { mutable: true, implemented: true }),
  stringDirective('bind', '* -::*', { implemented: true }),
  boolDirective('protected-mode', true, { implemented: true }),
  stringDirective('requirepass', '', { implemented: true }),
  intDirective('databases', 16, 1, INT_MAX, { mutable: false, implemented: true }),
  intDirective('hz', 10, 0, INT_MAX, { implemented: true }),
  intDirective('maxclients', 10000, 1, INT_MAX, { implemented: true }),
  intDirective('timeout', 0, 0, INT_MAX, { implemented: true }),
  intDirective('tcp-backlog', 511, 0, INT_MAX, { mutable: false, implemented: true }),
  intDirective('tcp-keepalive', 300, 0, INT_MAX, { implemented: true }),
  memoryDirective('proto-max-bulk-len', 512 * 1024 * 1024, 1024 * 1024, LONG_MAX, { implemented: true }),
  memoryDirective('client-query-buffer-limit', 1024 * 1024 * 1024, 1024 * 1024, LONG_MAX, { implemented: true }),
  enumDirective('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning'], { implemented: true }),
  stringDirective('logfile', '', { mutable: false, implemented: true }),
  stringDirective('dir', '', { implemented: true }),
  boolDirective('daemonize', false, { mutable: false, implemented: true }),
  stringDirective('pidfile', '', { mutable: false, implemented: true }),
  stringDirective('unixsocket', '', { mutable: false, implemented: true }),
  intDirective('unixsocketperm', 0, 0, 0o777, { mutable: false, implemented: true }),
  enumDirective('enable-debug-command', 'no', ['no', 'yes', 'local'], { mutable: false, implemented: true }),
  intDirective('slowlog-log-slower-than', 10000, -1, LONG_MAX, { implemented: true }),
  intDirective('slowlog-max-len', 128, 0, LONG_MAX, { implemented: true }),
  boolDirective('cluster-enabled', false, { mutable: false }),
  stringDirective('save', '3600 1 300 100 60 10000'),
  boolDirective('appendonly', false),
  stringDirective('dbfilename', 'dump.rdb'),
  memoryDirective('maxmemory', 0, 0, LONG_MAX),
];
