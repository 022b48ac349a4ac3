import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFlag } from '../../cluster/node-flags.js';
import type { NodesConf } from '../../cluster/nodes-conf.js';
import { NodesConfFile, NodesConfFileError } from './nodes-conf-file.js';

const MYSELF = 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tessera-nodes-conf-'));
}

const conf: NodesConf = {
  nodes: [
    {
      nodeId: MYSELF,
      ip: '127.0.0.1',
      port: 7000,
      cport: 17000,
      hostname: '',
      nodeFlags: NodeFlag.myself | NodeFlag.master,
      masterId: null,
      pingSentAtMs: 0,
      pongReceivedAtMs: 0,
      configEpoch: 3,
      linkState: 'connected',
      slots: [{ start: 0, end: 5460 }],
      openSlots: [],
    },
  ],
  vars: { currentEpoch: 6, lastVoteEpoch: 0 },
};

test('save writes Redis 7.0 text atomically and load reads it back', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = new NodesConfFile(join(dir, 'nodes.conf'));
  assert.equal(file.load(), null, 'no file yet');
  file.save(conf);
  assert.equal(
    readFileSync(join(dir, 'nodes.conf'), 'latin1'),
    `${MYSELF} 127.0.0.1:7000@17000 myself,master - 0 0 3 connected 0-5460\nvars currentEpoch 6 lastVoteEpoch 0\n`,
  );
  assert.deepEqual(readdirSync(dir), ['nodes.conf'], 'no temp file left behind');
  assert.deepEqual(file.load(), conf);
});

test('an empty file is no configuration (a new node is created)', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'nodes.conf'), '');
  assert.equal(new NodesConfFile(join(dir, 'nodes.conf')).load(), null);
});

test('a corrupt file or one without myself is refused with a clear error', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'nodes.conf');
  writeFileSync(path, 'garbage line\n');
  assert.throws(() => new NodesConfFile(path).load(), (error: Error) => error instanceof NodesConfFileError && /corrupted cluster config file .*line 1/.test(error.message));
  writeFileSync(path, `${MYSELF} 127.0.0.1:7000@17000 master - 0 0 3 connected\n`);
  assert.throws(() => new NodesConfFile(path).load(), /0 nodes flagged myself/);
});

test('a second holder is refused while the first holds the lock; a stale lock is taken over', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'nodes.conf');
  // Held by a live process other than us (pid 1 always runs).
  writeFileSync(`${path}.lock`, '1\n');
  assert.throws(() => new NodesConfFile(path).lock(), /nodes\.conf is already used by a different Redis Cluster node/);
  // A pid far above pid_max is not running: the lock is stale.
  writeFileSync(`${path}.lock`, '99999999\n');
  const file = new NodesConfFile(path);
  file.lock();
  assert.equal(readFileSync(`${path}.lock`, 'latin1'), `${process.pid}\n`);
  file.unlock();
  assert.deepEqual(readdirSync(dir), []);
});
