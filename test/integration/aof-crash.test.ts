import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { SeededRandom } from '../../src/lib/random.js';
import type { Reply } from '../../src/resp/reply-parser.js';
import { RawClient } from '../support/raw-client.js';
import { freePort, waitForOutput } from '../support/redis-server-process.js';
import { cliPath } from '../support/tessera.js';
import { tempDir } from '../support/aof-files.js';

/** CRASH_SEED=n reproduces a run. */
const SEED = Number(process.env.CRASH_SEED ?? 20261121);
const ROUNDS = 20;
/** Commands sent before reading their replies: some are always in flight at the kill. */
const PIPELINE_DEPTH = 32;

interface Node {
  port: number;
  child: ChildProcess;
}

async function startNode(t: TestContext, dir: string, fsync: string): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', ''], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await waitForOutput(child, (text) => text.includes('Ready to accept connections'), 20_000, 'tessera');
  return { port, child };
}

/** What the writer saw acknowledged: SET key → unique value, and the count of INCR replies. */
interface Acked {
  values: Map<string, string>;
  incrs: number;
}

/**
 * Writes as fast as replies come, PIPELINE_DEPTH commands at a time (SETs with unique values,
 * one INCR in four), recording every acknowledged one, until the connection dies.
 */
async function writeUntilKilled(port: number, round: number, acked: Acked): Promise<number> {
  const client = await RawClient.connect(port);
  let sent = 0;
  let ackedNow = 0;
  try {
    while (true) {
      const batch: Array<{ key?: string; value?: string }> = [];
      let bytes = '';
      for (let i = 0; i < PIPELINE_DEPTH; i++, sent++) {
        if (sent % 4 === 3) {
          bytes += '*2\r\n$4\r\nINCR\r\n$3\r\nctr\r\n';
          batch.push({});
        } else {
          const key = `k:${round}:${sent}`;
          const value = `v:${round}:${sent}:${'x'.repeat(sent % 50)}`;
          bytes += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
          batch.push({ key, value });
        }
      }
      client.writeRaw(bytes);
      for (const command of batch) {
        const reply: Reply = await client.read(5000);
        assert.notEqual(reply.type, 'error');
        if (command.key !== undefined) acked.values.set(command.key, command.value as string);
        else acked.incrs = Math.max(acked.incrs, Number((reply as { value: bigint }).value));
        ackedNow++;
      }
    }
  } catch (error) {
    if (!client.closed) throw error;
  } finally {
    client.close();
  }
  return ackedNow;
}

/** Every acknowledged write is there; returns how many acknowledged SETs are missing. */
async function countLost(port: number, acked: Acked): Promise<{ lostSets: number; lostIncrs: number }> {
  const client = await RawClient.connect(port);
  try {
    let lostSets = 0;
    const keys = [...acked.values.keys()];
    for (let i = 0; i < keys.length; i += 500) {
      const slice = keys.slice(i, i + 500);
      const reply = await client.call('MGET', ...slice);
      assert.equal(reply.type, 'array');
      const values = (reply as { value: Reply[] }).value;
      values.forEach((item, j) => {
        if (item.type !== 'bulk' || item.value !== acked.values.get(slice[j] as string)) lostSets++;
      });
    }
    const counter = await client.call('GET', 'ctr');
    const counted = counter.type === 'bulk' ? Number(counter.value) : 0;
    return { lostSets, lostIncrs: Math.max(0, acked.incrs - counted) };
  } finally {
    client.close();
  }
}

async function crashRounds(t: TestContext, fsync: 'always' | 'everysec'): Promise<{ lostSets: number; lostIncrs: number; acked: number; writesPerSec: number }> {
  const random = new SeededRandom(SEED + (fsync === 'always' ? 0 : 1));
  const dir = tempDir(t, `aof-crash-${fsync}`);
  const acked: Acked = { values: new Map(), incrs: 0 };
  let lostSets = 0;
  let lostIncrs = 0;
  let ackedTotal = 0;
  let writingMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const node = await startNode(t, dir, fsync);
    const lost = await countLost(node.port, acked);
    lostSets += lost.lostSets;
    lostIncrs += lost.lostIncrs;
    const killAfterMs = 10 + random.int(100);
    const started = Date.now();
    const exited = new Promise((resolve) => node.child.once('exit', resolve));
    const writing = writeUntilKilled(node.port, round, acked);
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    node.child.kill('SIGKILL');
    await exited;
    ackedTotal += await writing;
    writingMs += Date.now() - started;
  }
  const last = await startNode(t, dir, fsync);
  const lost = await countLost(last.port, acked);
  last.child.kill('SIGKILL');
  return { lostSets: lostSets + lost.lostSets, lostIncrs: lostIncrs + lost.lostIncrs, acked: ackedTotal, writesPerSec: Math.round((ackedTotal * 1000) / Math.max(1, writingMs)) };
}

test(`appendfsync always: every acknowledged write survives SIGKILL at random moments (${ROUNDS} rounds, seed ${SEED})`, { timeout: 120_000 }, async (t) => {
  const result = await crashRounds(t, 'always');
  console.log(`crash test (always): ${result.acked} acknowledged writes, ${result.writesPerSec}/s, lost SETs ${result.lostSets}, lost INCRs ${result.lostIncrs}`);
  assert.ok(result.acked > 0);
  assert.equal(result.lostSets, 0);
  assert.equal(result.lostIncrs, 0);
});

test(`appendfsync everysec: acknowledged writes lost to SIGKILL stay within ~1 s of writes (${ROUNDS} rounds)`, { timeout: 120_000 }, async (t) => {
  const result = await crashRounds(t, 'everysec');
  const lost = result.lostSets + result.lostIncrs;
  console.log(`crash test (everysec): ${result.acked} acknowledged writes, ${result.writesPerSec}/s, lost ${lost} (SETs ${result.lostSets}, INCRs ${result.lostIncrs})`);
  assert.ok(result.acked > 0);
  // A process crash loses nothing already written (the page cache survives it); the bound a
  // power loss could reach is one second of writes, plus slack.
  assert.ok(lost <= result.writesPerSec * 1.5 + 100, `lost ${lost} acknowledged writes`);
});
