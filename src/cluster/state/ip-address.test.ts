import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeIp } from './ip-address.js';

test('IPv4: dotted quads only, no leading zeros (glibc inet_pton)', () => {
  assert.equal(normalizeIp('127.0.0.1'), '127.0.0.1');
  assert.equal(normalizeIp('255.255.255.255'), '255.255.255.255');
  for (const bad of ['1.2.3', '01.2.3.4', '256.1.1.1', '1.2.3.4.5', '', 'a.b.c.d', ' 1.2.3.4']) assert.equal(normalizeIp(bad), null, bad);
});

test('IPv6: normalized as inet_ntop writes it', () => {
  assert.equal(normalizeIp('::1'), '::1');
  assert.equal(normalizeIp('::'), '::');
  assert.equal(normalizeIp('::FFFF:1.2.3.4'), '::ffff:1.2.3.4');
  assert.equal(normalizeIp('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(normalizeIp('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(normalizeIp('1:0:1:0:1:0:1:0'), '1:0:1:0:1:0:1:0');
  assert.equal(normalizeIp('fe80::1:2'), 'fe80::1:2');
  for (const bad of ['1::2::3', ':::', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1']) assert.equal(normalizeIp(bad), null, bad);
});
