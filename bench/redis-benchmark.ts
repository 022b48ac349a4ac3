import { spawn } from 'node:child_process';

/** One line of `redis-benchmark --csv` (7.0): throughput and latency columns, latencies in ms. */
export interface BenchmarkRow {
  /** The test name as printed: `SET`, `PING_MBULK`, `MSET (10 keys)`. */
  test: string;
  rps: number;
  avgLatencyMs: number;
  minLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  maxLatencyMs: number;
}

/** The header redis-benchmark 7.0 prints with --csv; parsing refuses any other layout. */
export const CSV_HEADER = ['test', 'rps', 'avg_latency_ms', 'min_latency_ms', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'max_latency_ms'] as const;

export class BenchmarkCsvError extends Error {
  override name = 'BenchmarkCsvError';
}

/** Splits one CSV line: fields are double-quoted (`"MSET (10 keys)"`), `""` is an escaped quote. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          break;
        }
        value += line[i];
        i++;
      }
      if (i >= line.length) throw new BenchmarkCsvError(`unterminated quote in CSV line: ${line}`);
      i++; // closing quote
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end;
    }
    if (i < line.length && line[i] !== ',') throw new BenchmarkCsvError(`unexpected character after field in CSV line: ${line}`);
    i++; // the comma (or past the end)
  }
  return fields;
}

/**
 * Parses the CSV redis-benchmark prints: a header line (checked column by column), then one row
 * per test. Lines that are not CSV (warnings such as "WARNING: Could not fetch server CONFIG")
 * are skipped; a row with a wrong column count or a non-numeric value is an error.
 */
export function parseBenchmarkCsv(text: string): BenchmarkRow[] {
  const rows: BenchmarkRow[] = [];
  let headerSeen = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (!line.startsWith('"')) continue;
    const fields = splitCsvLine(line);
    if (fields[0] === 'test') {
      if (fields.length !== CSV_HEADER.length || fields.some((field, i) => field !== CSV_HEADER[i])) {
        throw new BenchmarkCsvError(`unexpected CSV header: ${line}`);
      }
      headerSeen = true;
      continue;
    }
    if (!headerSeen) throw new BenchmarkCsvError(`CSV row before the header: ${line}`);
    if (fields.length !== CSV_HEADER.length) throw new BenchmarkCsvError(`expected ${CSV_HEADER.length} columns: ${line}`);
    const numbers = fields.slice(1).map((field) => {
      const value = Number(field);
      if (field === '' || !Number.isFinite(value)) throw new BenchmarkCsvError(`not a number '${field}' in: ${line}`);
      return value;
    });
    const [rps, avg, min, p50, p95, p99, max] = numbers as [number, number, number, number, number, number, number];
    rows.push({ test: fields[0] as string, rps, avgLatencyMs: avg, minLatencyMs: min, p50LatencyMs: p50, p95LatencyMs: p95, p99LatencyMs: p99, maxLatencyMs: max });
  }
  return rows;
}

/**
 * redis-benchmark 7.0 exits at the first error reply ("We now immediately exit on error") and
 * prints `Error from server: <message>`. Returns that message, or undefined.
 */
export function findServerError(output: string): string | undefined {
  const match = /Error from server: ([^\r\n]*)/.exec(output);
  return match === null ? undefined : (match[1] as string).trim();
}

export interface BenchmarkInvocation {
  port: number;
  /** redis-benchmark's test name for -t: set, get, incr, mset, ping_mbulk. */
  test: string;
  requests: number;
  clients: number;
  pipeline: number;
  /** Random keys drawn from 0..keyspaceSize-1 (-r). */
  keyspaceSize: number;
  /** SET/MSET value size (-d); redis-benchmark's default is 3. */
  valueBytes: number;
  /** A custom command (may use __rand_int__); replaces `-t test`. */
  command?: readonly string[];
  /** --cluster: port names one node of a cluster; keys go to their slots' masters. */
  cluster?: boolean;
}

export function benchmarkArgs(run: BenchmarkInvocation): string[] {
  return [
    ...(run.cluster === true ? ['--cluster'] : []),
    '-h', '127.0.0.1',
    '-p', String(run.port),
    '-c', String(run.clients),
    '-n', String(run.requests),
    '-r', String(run.keyspaceSize),
    '-P', String(run.pipeline),
    '-d', String(run.valueBytes),
    ...(run.command === undefined ? ['-t', run.test, '--csv'] : ['--csv', ...run.command]),
  ];
}

export type BenchmarkOutcome =
  | { kind: 'ok'; row: BenchmarkRow; elapsedMs: number }
  /** The server answered the test's command with an error (command not implemented yet). */
  | { kind: 'unsupported'; error: string }
  /** redis-benchmark failed for another reason (crash, timeout, unparsable output). */
  | { kind: 'failed'; error: string };

/** Runs one redis-benchmark invocation (one test) and classifies what came out. */
export function runRedisBenchmark(run: BenchmarkInvocation, timeoutMs: number): Promise<BenchmarkOutcome> {
  return new Promise((resolve) => {
    const startedMs = performance.now();
    const child = spawn('redis-benchmark', benchmarkArgs(run), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ kind: 'failed', error: `cannot run redis-benchmark: ${error.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const elapsedMs = performance.now() - startedMs;
      const serverError = findServerError(output);
      if (serverError !== undefined) return resolve({ kind: 'unsupported', error: serverError });
      if (timedOut) return resolve({ kind: 'failed', error: `redis-benchmark still running after ${timeoutMs} ms` });
      if (code !== 0) return resolve({ kind: 'failed', error: `redis-benchmark exited with ${code ?? signal}: ${output.trim().slice(-500)}` });
      try {
        const rows = parseBenchmarkCsv(output);
        if (rows.length !== 1) return resolve({ kind: 'failed', error: `expected one CSV row, got ${rows.length}: ${output.trim().slice(-500)}` });
        resolve({ kind: 'ok', row: rows[0] as BenchmarkRow, elapsedMs });
      } catch (error) {
        resolve({ kind: 'failed', error: (error as Error).message });
      }
    });
  });
}
