import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Errors, cStringArg, sanitizeErrorText } from './errors.js';

test('error text: CR/LF trimmed at the end and made spaces inside, like addReplyErrorFormat', () => {
  assert.equal(sanitizeErrorText('ERR Unsupported option x\r'), 'ERR Unsupported option x');
  assert.equal(sanitizeErrorText('ERR Unsupported option \r'), 'ERR Unsupported option ');
  assert.equal(sanitizeErrorText('ERR a\r\nb\n'), 'ERR a  b');
  assert.equal(sanitizeErrorText('ERR plain'), 'ERR plain');
});

test('arguments quoted in errors end at a NUL byte, like C strings', () => {
  assert.equal(cStringArg('fz:\0tail'), 'fz:');
  assert.equal(cStringArg('none'), 'none');
  assert.equal(Errors.unknownCommand('PI\0G', ['a\0b']), "ERR unknown command 'PI', with args beginning with: 'a' ");
});
