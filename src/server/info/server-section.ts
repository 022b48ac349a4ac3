import { machine, release, type } from 'node:os';
import { configOr, type InfoHost } from './host.js';
import type { InfoFields } from './section.js';

/** Redis's LRU clock: seconds, 24 bits. */
const LRU_CLOCK_MAX = (1 << 24) - 1;

export function serverSection(host: InfoHost): InfoFields {
  const nowUs = host.nowUs();
  const uptimeSec = Math.floor((nowUs / 1000 - host.startedAtMs) / 1000);
  return [
    ['redis_version', '7.0.15'],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', configOr(host, 'cluster-enabled', 'no') === 'yes' ? 'cluster' : 'standalone'],
    ['os', `${type()} ${release()} ${machine()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    // libuv's poller: epoll on Linux, kqueue on BSD/macOS.
    ['multiplexing_api', process.platform === 'linux' ? 'epoll' : process.platform === 'win32' ? 'iocp' : 'kqueue'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', host.runId],
    ['tcp_port', host.boundPort],
    ['server_time_usec', nowUs],
    ['uptime_in_seconds', uptimeSec],
    ['uptime_in_days', Math.floor(uptimeSec / 86400)],
    ['hz', host.effectiveHz],
    ['configured_hz', configOr(host, 'hz', '10')],
    ['lru_clock', Math.floor(nowUs / 1e6) & LRU_CLOCK_MAX],
    ['executable', process.argv[1] ?? ''],
    ['config_file', host.config.configFile ?? ''],
    ['io_threads_active', 0],
  ];
}

export function clientsSection(host: InfoHost): InfoFields {
  return [
    ['connected_clients', host.clients.count],
    // getClusterConnectionsCount: an inbound and an outbound link per other node.
    ['cluster_connections', host.cluster === undefined ? 0 : (host.cluster.state.config.nodes.size - 1) * 2],
    ['maxclients', configOr(host, 'maxclients', '10000')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    ['blocked_clients', host.blocking.size],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', 0],
  ];
}
