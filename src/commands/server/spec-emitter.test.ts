import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyWriter } from '../../resp/reply-writer.js';
import { writeSpecTree } from './spec-emitter.js';
import type { SpecTree } from '../spec-tree.js';

function encode(tree: SpecTree, protocol: 2 | 3): string {
  const writer = new ReplyWriter();
  writer.protocol = protocol;
  writeSpecTree(writer, tree);
  return writer.take().toString('latin1');
}

const tree: SpecTree = ['get', 2, { set: [{ s: 'readonly' }] }, { map: [['index', 1]] }, null];

test('writeSpecTree keeps RESP3 sets and maps in RESP3', () => {
  assert.equal(encode(tree, 3), '*5\r\n$3\r\nget\r\n:2\r\n~1\r\n+readonly\r\n%1\r\n$5\r\nindex\r\n:1\r\n_\r\n');
});

test('writeSpecTree flattens sets and maps to arrays in RESP2', () => {
  assert.equal(encode(tree, 2), '*5\r\n$3\r\nget\r\n:2\r\n*1\r\n+readonly\r\n*2\r\n$5\r\nindex\r\n:1\r\n$-1\r\n');
});
