import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';

/** Runs a program to completion (bounded), giving its exit code and output. */
function run(command: string, args: string[], input?: string, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('latin1')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('latin1')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A program that exits without reading its input (redis-cli given a command) makes the write
    // fail with EPIPE: that says nothing about the program, its exit code and output do.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(input ?? '');
  });
}

// Debian's python3-redis lives in the system Python, not in a pyenv one that may be first on PATH.
const PYTHON = '/usr/bin/python3';

const redisPyScript = String.raw`
import sys, redis
port = int(sys.argv[1])
r = redis.Redis(host="127.0.0.1", port=port)
assert r.ping() is True
assert r.set("greeting", "hello", ex=100) is True
assert r.get("greeting") == b"hello"
assert 0 < r.ttl("greeting") <= 100
assert r.incr("counter") == 1 and r.incrby("counter", 41) == 42
assert r.incrbyfloat("f", 1.5) == 1.5
r.mset({"a": "1", "b": b"\x00\xff"})
assert r.mget("a", "b", "missing") == [b"1", b"\x00\xff", None]
assert r.setnx("a", "x") is False
assert r.append("a", "23") == 3 and r.getrange("a", 0, 1) == b"12"
assert r.setbit("bits", 7, 1) == 0 and r.bitcount("bits") == 1
assert r.exists("a", "b", "zzz") == 2
assert r.type("a") == b"string"
assert r.expire("a", 50) is True and r.persist("a") is True
assert r.rename("a", "a2") is True and r.get("a2") == b"123"
assert sorted(r.scan_iter(match="a*")) == [b"a2"]
assert set(r.keys("*")) >= {b"greeting", b"counter", b"f", b"b", b"bits", b"a2"}
p = r.pipeline(transaction=False)
for i in range(100):
    p.set("p:%d" % i, i)
p.get("p:99")
assert p.execute()[-1] == b"99"
assert r.dbsize() == 106
info = r.info()
assert info["redis_version"] == "7.0.15" and info["connected_clients"] >= 1
assert r.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
assert r.client_setname("py") is True and r.client_getname() == "py"
assert any(c["name"] == "py" for c in r.client_list())
try:
    r.execute_command("GET")
    raise SystemExit("no error for wrong arity")
except redis.ResponseError as e:
    assert str(e) == "wrong number of arguments for 'get' command", str(e)
try:
    r.execute_command("LPUSH_NOPE", "x")
    raise SystemExit("no error for unknown command")
except redis.ResponseError as e:
    assert str(e).startswith("unknown command 'LPUSH_NOPE'"), str(e)
assert r.delete("greeting", "counter") == 2
assert r.flushdb() is True and r.dbsize() == 0
print("redis-py ok")
`;

test('redis-py (Debian python3-redis) works against Tessera', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const result = await run(PYTHON, ['-c', redisPyScript, String(node.port)]);
  assert.equal(result.code, 0, `redis-py script failed:\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /redis-py ok/);
});

test('redis-cli prints the same for Tessera as for redis-server: commands, errors, RESP3, --pipe, --scan', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const scripts: string[][] = [
    ['SET', 'k', 'v'],
    ['GET', 'k'],
    ['GET', 'nope'],
    ['INCR', 'k'],
    ['INCRBYFLOAT', 'f', '1.5'],
    ['MGET', 'k', 'nope', 'f'],
    ['-3', 'HELLO', '3'],
    ['-3', 'MGET', 'k', 'nope'],
    ['EXISTS', 'k', 'f'],
    ['OBJECT', 'ENCODING', 'k'],
    ['NOSUCHCOMMAND', 'a'],
    ['CONFIG', 'GET', 'maxmemory-policy'],
    ['--no-raw', 'GET', 'k'],
  ];
  for (const args of scripts) {
    const ours = await run('redis-cli', ['-p', String(node.port), ...args]);
    const theirs = await run('redis-cli', ['-p', String(redis.port), ...args]);
    const comparable = (text: string) => (args[1] === 'HELLO' ? text.replace(/\nid \d+\n/, '\nid N\n') : text);
    assert.equal(comparable(ours.stdout), comparable(theirs.stdout), `redis-cli ${args.join(' ')}`);
    assert.equal(ours.code, theirs.code, `exit code of redis-cli ${args.join(' ')}`);
  }
  // Mass insertion, as the Redis docs teach it: redis-cli --pipe with raw protocol.
  let protocol = '';
  for (let i = 0; i < 1000; i++) {
    const key = `pipe:${i}`;
    protocol += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${String(i).length}\r\n${i}\r\n`;
  }
  const piped = await run('redis-cli', ['-p', String(node.port), '--pipe'], protocol);
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(piped.stdout, /errors: 0, replies: 1000/);
  const scanned = await run('redis-cli', ['-p', String(node.port), '--scan', '--pattern', 'pipe:1*']);
  assert.equal(scanned.stdout.trim().split('\n').sort().join(','), ['pipe:1', ...Array.from({ length: 10 }, (_, i) => `pipe:1${i}`), ...Array.from({ length: 100 }, (_, i) => `pipe:1${String(i).padStart(2, '0')}`)].sort().join(','));
  const info = await run('redis-cli', ['-p', String(node.port), 'INFO', 'keyspace']);
  assert.match(info.stdout, /db0:keys=1002,expires=0/);
});
