// The bench's code paths that need no redis tools: redis-benchmark CSV parsing, options, the
// case plan, the report and targets, and the key loader against an in-process node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaderboardCommands } from '../../bench/leaderboard.js';
import { HASH_FIELDS, db0Keys, hashLoad, hashLoadCommand, loadKeyName, loadKeys, loadValue, parseInfo, zsetLoad, zsetLoadCommand, type MemoryResult } from '../../bench/memory.js';
import { PipelineClient, encodeCommands } from '../../bench/pipeline-client.js';
import { DATA_TYPE_TESTS, OptionsError, benchCases, parseOptions, randIntText, wants } from '../../bench/plan.js';
import { BenchmarkCsvError, benchmarkArgs, findServerError, parseBenchmarkCsv, splitCsvLine, type BenchmarkRow } from '../../bench/redis-benchmark.js';
import { evaluateClusterTargets, evaluateTargets, markdownTable, memoryTable, summarize, throughputTable, type CaseResult, type RunRecord } from '../../bench/report.js';
import { startTessera } from '../support/tessera.js';

// Captured from redis-benchmark 7.0.15 against a Tessera node (the warning is on stderr there).
const CAPTURED = [
  'WARNING: Could not fetch server CONFIG',
  '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"',
  '"PING_MBULK","625000.00","0.856","0.120","0.791","1.431","2.519","2.719"',
  '"MSET (10 keys)","106382.98","7.205","2.200","7.039","12.007","15.551","15.999"',
  '',
].join('\n');

test('parseBenchmarkCsv reads every column of redis-benchmark 7.0 --csv and skips warnings', () => {
  const rows = parseBenchmarkCsv(CAPTURED);
  assert.deepEqual(rows, [
    { test: 'PING_MBULK', rps: 625000, avgLatencyMs: 0.856, minLatencyMs: 0.12, p50LatencyMs: 0.791, p95LatencyMs: 1.431, p99LatencyMs: 2.519, maxLatencyMs: 2.719 },
    { test: 'MSET (10 keys)', rps: 106382.98, avgLatencyMs: 7.205, minLatencyMs: 2.2, p50LatencyMs: 7.039, p95LatencyMs: 12.007, p99LatencyMs: 15.551, maxLatencyMs: 15.999 },
  ]);
  assert.deepEqual(parseBenchmarkCsv(CAPTURED.replaceAll('\n', '\r\n')), rows);
});

test('parseBenchmarkCsv refuses another header, a short row, a non-number, a row before the header', () => {
  assert.throws(() => parseBenchmarkCsv('"test","rps","avg_latency_ms"\n'), BenchmarkCsvError);
  assert.throws(() => parseBenchmarkCsv(CAPTURED.replace('"2.719"', '')), BenchmarkCsvError);
  assert.throws(() => parseBenchmarkCsv(CAPTURED.replace('"0.856"', '"fast"')), BenchmarkCsvError);
  assert.throws(() => parseBenchmarkCsv(CAPTURED.replace('"0.856"', '""')), BenchmarkCsvError);
  assert.throws(() => parseBenchmarkCsv('"SET","1","1","1","1","1","1","1"\n'), /before the header/);
});

test('splitCsvLine handles quoted commas, escaped quotes, bare and empty fields', () => {
  assert.deepEqual(splitCsvLine('"a,b","say ""hi""",3,'), ['a,b', 'say "hi"', '3', '']);
  assert.throws(() => splitCsvLine('"open'), BenchmarkCsvError);
  assert.throws(() => splitCsvLine('"a"b'), BenchmarkCsvError);
});

test('findServerError finds the error redis-benchmark exits on', () => {
  const output = "WARNING: Could not fetch server CONFIG\nError from server: ERR unknown command 'INCR', with args beginning with: 'counter:000000002312' \n";
  assert.equal(findServerError(output), "ERR unknown command 'INCR', with args beginning with: 'counter:000000002312'");
  assert.equal(findServerError(CAPTURED), undefined);
});

test('benchmarkArgs asks for one test in CSV with every knob explicit', () => {
  const args = benchmarkArgs({ port: 7001, test: 'get', requests: 1000, clients: 50, pipeline: 16, keyspaceSize: 100000, valueBytes: 1024 });
  assert.deepEqual(args, ['-h', '127.0.0.1', '-p', '7001', '-c', '50', '-n', '1000', '-r', '100000', '-P', '16', '-d', '1024', '-t', 'get', '--csv']);
});

test('benchmarkArgs puts a custom command after the options, without -t', () => {
  const args = benchmarkArgs({ port: 7001, test: 'pfadd', requests: 1000, clients: 50, pipeline: 16, keyspaceSize: 100000, valueBytes: 3, command: ['pfadd', 'hll', '__rand_int__'] });
  assert.deepEqual(args, ['-h', '127.0.0.1', '-p', '7001', '-c', '50', '-n', '1000', '-r', '100000', '-P', '16', '-d', '3', '--csv', 'pfadd', 'hll', '__rand_int__']);
});

// redis-benchmark 7.0.15 prints the custom command itself as the test name.
test('parseBenchmarkCsv reads the row of a custom command', () => {
  const text = '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n"zincrby lb 1 m:__rand_int__","32258.06","1.223","0.136","0.375","4.711","5.015","5.191"\n';
  assert.deepEqual(parseBenchmarkCsv(text).map((r) => [r.test, r.rps]), [['zincrby lb 1 m:__rand_int__', 32258.06]]);
});

test('data-type cases: all at -P 16, LPUSH before RPOP with as many requests, custom commands and the leaderboard', () => {
  const cases = new Map(benchCases(parseOptions(['--only', 'rpop,lpush,zincrby,zrevrange,xadd,pfadd,hset,sadd,zadd'])).map((c) => [c.test, c]));
  assert.deepEqual([...cases.keys()], [...DATA_TYPE_TESTS]);
  for (const c of cases.values()) assert.equal(c.pipeline, 16);
  assert.equal(cases.get('lpush')?.requests, cases.get('rpop')?.requests);
  for (const builtIn of ['lpush', 'rpop', 'hset', 'sadd', 'zadd'] as const) assert.equal(cases.get(builtIn)?.command, undefined);
  assert.deepEqual(cases.get('zincrby')?.command, ['zincrby', 'lb', '1', 'm:__rand_int__']);
  assert.deepEqual(cases.get('zrevrange')?.command, ['zrevrange', 'lb', '0', '9', 'withscores']);
  assert.deepEqual(cases.get('xadd')?.command, ['xadd', 's', '*', 'f', 'v']);
  assert.deepEqual(cases.get('pfadd')?.command, ['pfadd', 'hll', '__rand_int__']);
  assert.equal(cases.get('zincrby')?.setup, 'leaderboard');
  assert.equal(cases.get('zrevrange')?.setup, 'leaderboard');
  assert.equal(cases.get('pfadd')?.setup, undefined);
});

test('the leaderboard holds the members m:__rand_int__ names, 500 per ZADD', () => {
  assert.equal(randIntText(42), '000000000042');
  const commands = leaderboardCommands(1200);
  assert.equal(commands.length, 3);
  assert.deepEqual(commands[0]?.slice(0, 6), ['ZADD', 'lb', '0', 'm:000000000000', '0', 'm:000000000001']);
  assert.equal(commands[2]?.length, 2 + 2 * 200);
  assert.equal(commands[2]?.at(-1), 'm:000000001199');
});

test('memory loads: 10-field hashes and one big sorted set, and --only names them', () => {
  assert.deepEqual(hashLoadCommand(7), ['HSET', 'h:7', 'f0', 'v0', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3', 'f4', 'v4', 'f5', 'v5', 'f6', 'v6', 'f7', 'v7', 'f8', 'v8', 'f9', 'v9']);
  const hashes = hashLoad(1000);
  assert.deepEqual([hashes.items, hashes.keys, hashes.commands, hashes.unit], [1000, 1000, 1000, 'key']);
  assert.equal(hashes.expected({ type: 'integer', value: BigInt(HASH_FIELDS) }), true);
  assert.equal(hashes.expected({ type: 'integer', value: 0n }), false);
  const zset = zsetLoad(250);
  assert.deepEqual([zset.items, zset.keys, zset.commands, zset.unit], [250, 1, 3, 'member']);
  assert.deepEqual(zsetLoadCommand(0, 250).slice(0, 4), ['ZADD', 'zset', '0', 'member:0']);
  assert.deepEqual(zsetLoadCommand(2, 250).slice(-2), ['249', 'member:249']);
  assert.equal(zsetLoadCommand(2, 250).length, 2 + 2 * 50);
  const options = parseOptions(['--only', 'memory-hash,MEMORY-ZSET']);
  assert.equal(wants(options, 'memory-hash') && wants(options, 'memory-zset') && !wants(options, 'memory'), true);
  assert.deepEqual([options.memoryHashes, options.memoryZsetMembers], [100_000, 1_000_000]);
  assert.deepEqual(benchCases(options), []);
});

test('parseOptions: defaults, --quick, --only, --rounds, and clear errors', () => {
  const defaults = parseOptions([]);
  assert.equal(defaults.rounds, 3);
  assert.equal(defaults.memoryKeys, 1_000_000);
  assert.equal(wants(defaults, 'memory'), true);
  const quick = parseOptions(['--quick', '--only', 'set,GET']);
  assert.equal(quick.rounds, 1);
  assert.equal(quick.memoryKeys, 100_000);
  assert.deepEqual(quick.only, ['set', 'get']);
  assert.equal(wants(quick, 'memory'), false);
  assert.deepEqual(parseOptions(['--only=memory', '--rounds=3']).only, ['memory']);
  assert.equal(parseOptions(['--rounds', '3']).rounds, 3);
  assert.throws(() => parseOptions(['--only', 'sett']), OptionsError);
  assert.throws(() => parseOptions(['--rounds', '0']), OptionsError);
  assert.throws(() => parseOptions(['--rounds', '1.5']), OptionsError);
  assert.throws(() => parseOptions(['--only']), OptionsError);
  assert.throws(() => parseOptions(['--fast']), OptionsError);
});

test('benchCases: SET before GET at each pipeline, 1 KB cases last, --only filters, --quick scales', () => {
  const ids = benchCases(parseOptions([])).map((c) => c.id);
  assert.deepEqual(ids, [
    'ping_mbulk-p1', 'set-p1', 'get-p1', 'incr-p1', 'mset-p1', 'ping_mbulk-p16', 'set-p16', 'get-p16', 'incr-p16', 'mset-p16', 'set-p1-1kb', 'get-p1-1kb',
    ...DATA_TYPE_TESTS.map((name) => `${name}-p16`),
  ]);
  const only = benchCases(parseOptions(['--only', 'get,set']));
  assert.deepEqual(only.map((c) => c.id), ['set-p1', 'get-p1', 'set-p16', 'get-p16', 'set-p1-1kb', 'get-p1-1kb']);
  assert.equal(only.find((c) => c.id === 'set-p1-1kb')?.valueBytes, 1024);
  const full = benchCases(parseOptions([]))[0]?.requests ?? 0;
  assert.equal(benchCases(parseOptions(['--quick']))[0]?.requests, full / 10);
  assert.deepEqual(benchCases(parseOptions(['--only', 'memory'])), []);
});

function row(test: string, rps: number, p99LatencyMs: number): BenchmarkRow {
  return { test, rps, avgLatencyMs: 1, minLatencyMs: 0.1, p50LatencyMs: 0.5, p95LatencyMs: 1, p99LatencyMs, maxLatencyMs: 9 };
}
function ok(round: number, rps: number, p99 = 1): RunRecord {
  return { round, outcome: { kind: 'ok', row: row('X', rps, p99), elapsedMs: 1000 } };
}

test('summarize keeps the best round with its own latencies; unsupported and failed are reported', () => {
  const best = summarize([ok(1, 100, 5), ok(2, 120, 7)]);
  assert.equal(best.status, 'ok');
  assert.equal(best.status === 'ok' && best.best.p99LatencyMs, 7);
  assert.deepEqual(summarize([{ round: 1, outcome: { kind: 'unsupported', error: 'ERR unknown command' } }]), { status: 'unsupported', error: 'ERR unknown command' });
  assert.equal(summarize([{ round: 1, outcome: { kind: 'failed', error: 'boom' } }]).status, 'failed');
  assert.equal(summarize([]).status, 'not run');
});

function caseResult(id: string, test: 'set' | 'get' | 'incr', pipeline: number, valueBytes: number, redis: RunRecord[], tessera: RunRecord[]): CaseResult {
  return { benchCase: { id, test, pipeline, valueBytes, requests: 1000 }, runs: { redis, tessera } };
}

const RESULTS: CaseResult[] = [
  caseResult('set-p1', 'set', 1, 3, [ok(1, 50000)], [ok(1, 46000)]),
  caseResult('get-p1', 'get', 1, 3, [ok(1, 50000)], [ok(1, 40000)]),
  caseResult('incr-p1', 'incr', 1, 3, [ok(1, 50000)], [{ round: 1, outcome: { kind: 'unsupported', error: "ERR unknown command 'INCR'" } }]),
  caseResult('set-p1-1kb', 'set', 1, 1024, [ok(1, 40000, 1.5)], [ok(1, 30000, 2.5)]),
];

test('throughputTable prints ops/s, ratio, p50/p99 for both, and "not supported"', () => {
  const lines = throughputTable(RESULTS).split('\n');
  assert.equal(lines.length, 2 + RESULTS.length);
  assert.match(lines[0] as string, /^\| test +\| +-P \| redis ops\/s \| tessera ops\/s \| ratio \| redis p50 ms \| tessera p50 ms \| redis p99 ms \| tessera p99 ms \|$/);
  assert.match(lines[2] as string, /^\| SET +\| +1 \| +50,000 \| +46,000 \| 0\.92x \| +0\.500 \| +0\.500 \| +1\.000 \| +1\.000 \|$/);
  assert.match(lines[4] as string, /\| INCR .*\| +50,000 \| not supported \| +- \|/);
  assert.match(lines[5] as string, /^\| SET 1KB /);
  // Every line has the same width: the table stays aligned in a terminal.
  assert.equal(new Set(lines.map((line) => line.length)).size, 1);
});

test('markdownTable pads columns and marks right-aligned ones in the rule', () => {
  assert.equal(markdownTable(['a', 'bb'], [['xxxx', '1']], [false, true]), '| a    |  bb |\n|------|----:|\n| xxxx |   1 |');
});

const MEMORY: Record<'redis' | 'tessera', MemoryResult> = {
  redis: { keys: 1000, valueBytes: 16, loadMs: 10, flushAll: 'OK', rssBeforeBytes: 0, rssAfterBytes: 100_000, rssPerKeyBytes: 100, usedMemoryBeforeBytes: 0, usedMemoryAfterBytes: 90_000, usedMemoryPerKeyBytes: 90 },
  tessera: { keys: 1000, valueBytes: 16, loadMs: 10, flushAll: 'OK', rssBeforeBytes: 0, rssAfterBytes: 140_000, rssPerKeyBytes: 140, usedMemoryBeforeBytes: null, usedMemoryAfterBytes: null, usedMemoryPerKeyBytes: null },
};

test('evaluateTargets: PASS, FAIL, and N/A for cases not run or not supported', () => {
  const targets = new Map(evaluateTargets(RESULTS, MEMORY).map((t) => [t.name, t]));
  assert.equal(targets.get('SET -P 1 throughput')?.status, 'PASS'); // 0.92
  assert.equal(targets.get('GET -P 1 throughput')?.status, 'FAIL'); // 0.80
  assert.equal(targets.get('GET -P 16 throughput')?.status, 'N/A');
  assert.equal(targets.get('SET 1KB p99 latency')?.status, 'PASS'); // 2.5 / 1.5
  assert.equal(targets.get('SET 1KB p99 latency')?.measured, '2.500 / 1.500 ms = 1.67x');
  assert.equal(targets.get('bytes per key')?.status, 'PASS'); // 1.40
  assert.equal(targets.get('bytes per key')?.measured, '1.40x');
  assert.equal(evaluateTargets([], {}).every((t) => t.status === 'N/A'), true);
});

test('evaluateTargets: data-type ops at -P 16 (>= 0.8x) and their memory (<= 1.5x)', () => {
  const results: CaseResult[] = [
    { benchCase: { id: 'lpush-p16', test: 'lpush', pipeline: 16, valueBytes: 3, requests: 1000 }, runs: { redis: [ok(1, 100_000)], tessera: [ok(1, 85_000)] } },
    { benchCase: { id: 'zincrby-p16', test: 'zincrby', pipeline: 16, valueBytes: 3, requests: 1000 }, runs: { redis: [ok(1, 100_000)], tessera: [ok(1, 50_000)] } },
  ];
  const targets = new Map(evaluateTargets(results, {}, { 'memory-hash': MEMORY }).map((t) => [t.name, t]));
  assert.equal(targets.get('LPUSH -P 16')?.status, 'PASS');
  assert.equal(targets.get('ZINCRBY (100k-member zset) -P 16')?.measured, '0.50x');
  assert.equal(targets.get('ZINCRBY (100k-member zset) -P 16')?.status, 'FAIL');
  assert.equal(targets.get('PFADD -P 16')?.status, 'N/A');
  assert.equal(targets.get('hash (10 fields) bytes per key')?.status, 'PASS'); // 1.40
  assert.equal(targets.get('sorted set bytes per member')?.status, 'N/A');
  assert.match(memoryTable(MEMORY, 'member').split('\n')[0] as string, /\| members \|.*\| RSS bytes\/member \| +used_memory bytes\/member \|/);
});

test('evaluateClusterTargets: SET and GET at -P 1 and -P 16, each >= 0.9x the redis cluster', () => {
  const results: CaseResult[] = [
    { benchCase: { id: 'cluster-set-p1', test: 'set', pipeline: 1, valueBytes: 3, requests: 1000 }, runs: { redis: [ok(1, 100_000), ok(2, 90_000)], tessera: [ok(1, 80_000), ok(2, 91_000)] } },
    { benchCase: { id: 'cluster-get-p1', test: 'get', pipeline: 1, valueBytes: 3, requests: 1000 }, runs: { redis: [ok(1, 100_000)], tessera: [ok(1, 89_000)] } },
    { benchCase: { id: 'cluster-set-p16', test: 'set', pipeline: 16, valueBytes: 3, requests: 1000 }, runs: { redis: [ok(1, 100_000)], tessera: [ok(1, 120_000)] } },
  ];
  const targets = new Map(evaluateClusterTargets(results).map((t) => [t.name, t]));
  assert.deepEqual([...targets.keys()], ['cluster SET -P 1 throughput', 'cluster GET -P 1 throughput', 'cluster SET -P 16 throughput', 'cluster GET -P 16 throughput']);
  // Best round of each server: 91,000 / 100,000.
  assert.equal(targets.get('cluster SET -P 1 throughput')?.measured, '0.91x');
  assert.equal(targets.get('cluster SET -P 1 throughput')?.status, 'PASS');
  assert.equal(targets.get('cluster GET -P 1 throughput')?.status, 'FAIL');
  assert.equal(targets.get('cluster SET -P 16 throughput')?.status, 'PASS');
  assert.equal(targets.get('cluster GET -P 16 throughput')?.status, 'N/A');
});

test('memoryTable shows per-key bytes, ratios, and n/a without INFO used_memory', () => {
  const table = memoryTable(MEMORY);
  assert.match(table, /\| redis +\| +1,000 \|.*\| +100\.0 \| +90\.0 \|/);
  assert.match(table, /\| tessera .*\| +140\.0 \| n\/a \(no INFO used_memory\) \|/);
  assert.match(table, /\| tessera\/redis .*\| +1\.40x \| +- \|/);
});

test('INFO parsing and the load keys: distinct names, 16-byte values', () => {
  const info = parseInfo('# Keyspace\r\ndb0:keys=1000,expires=0,avg_ttl=0\r\n\r\n# Memory\r\nused_memory:123\r\n');
  assert.equal(db0Keys(info), 1000);
  assert.equal(info.get('used_memory'), '123');
  assert.equal(db0Keys(parseInfo('# Keyspace\r\n')), 0);
  assert.equal(loadKeyName(42), 'key:42');
  assert.equal(loadValue(42, 16), 'v000000000000042');
  assert.equal(loadValue(999_999, 16).length, 16);
  assert.equal(encodeCommands([['SET', 'k', ''], ['PING']]), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n');
});

test('loadKeys fills a node over one pipelined connection and INFO keyspace counts them', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await PipelineClient.connect(node.port);
  t.after(() => client.close());
  await loadKeys(client, 5000, 16);
  const reply = await client.call('INFO', 'keyspace');
  assert.equal(reply.type, 'bulk');
  assert.equal(db0Keys(parseInfo(reply.type === 'bulk' ? reply.value : '')), 5000);
  assert.deepEqual(await client.call('GET', 'key:4999'), { type: 'bulk', value: loadValue(4999, 16) });
});
