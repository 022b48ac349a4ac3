import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNodeFlags, NodeFlag, parseNodeFlags } from './node-flags.js';

test('flags print in redisNodeFlagsTable order; MEET and MIGRATE_TO are not printed', () => {
  assert.equal(formatNodeFlags(NodeFlag.master | NodeFlag.myself | NodeFlag.migrateTo), 'myself,master');
  assert.equal(formatNodeFlags(NodeFlag.master | NodeFlag.pfail | NodeFlag.migrateTo), 'master,fail?');
  assert.equal(formatNodeFlags(NodeFlag.slave | NodeFlag.fail | NodeFlag.nofailover), 'slave,fail,nofailover');
  assert.equal(formatNodeFlags(NodeFlag.handshake | NodeFlag.noaddr), 'handshake,noaddr');
  assert.equal(formatNodeFlags(NodeFlag.meet), 'noflags');
});

test('parseNodeFlags is case-insensitive, accepts noflags, refuses unknown names', () => {
  assert.equal(parseNodeFlags('MySelf,master'), NodeFlag.myself | NodeFlag.master);
  assert.equal(parseNodeFlags('noflags'), 0);
  assert.equal(parseNodeFlags('master,fail?'), NodeFlag.master | NodeFlag.pfail);
  assert.equal(parseNodeFlags('master,bogus'), null);
});
