import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatManifest, ManifestError, parseManifest, withNewBase, withNewIncr, withoutHistory, withRewrittenIncrAsHistory } from './manifest.js';

const REDIS_WRITTEN = 'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';

test('the manifest redis-server 7.0 wrote parses and formats back byte for byte', () => {
  const manifest = parseManifest(REDIS_WRITTEN);
  assert.deepEqual(manifest.base, { name: 'appendonly.aof.2.base.rdb', seq: 2, type: 'b' });
  assert.deepEqual(manifest.incr, [{ name: 'appendonly.aof.2.incr.aof', seq: 2, type: 'i' }]);
  assert.equal(formatManifest(manifest), REDIS_WRITTEN);
});

test('history files, comments, quoted names and extra key/value pairs are accepted', () => {
  const manifest = parseManifest('# comment\nfile a.1.base.aof seq 1 type b\nfile a.1.incr.aof seq 1 type h\nfile "my file.2.incr.aof" seq 2 type i future x\n');
  assert.equal(manifest.history.length, 1);
  assert.equal(manifest.incr[0]?.name, 'my file.2.incr.aof');
  assert.equal(formatManifest(manifest), 'file a.1.base.aof seq 1 type b\nfile a.1.incr.aof seq 1 type h\nfile "my file.2.incr.aof" seq 2 type i\n');
});

test("bad manifests are refused with Redis's messages", () => {
  const cases: Array<[string, string]> = [
    ['', 'Found an empty AOF manifest'],
    ['file a seq 1 type b', 'The AOF manifest file contains too long line'],
    ['\n', 'Invalid AOF manifest file format'],
    ['file a seq 1\n', 'Invalid AOF manifest file format'],
    ['file a seq 0 type b\n', 'Invalid AOF manifest file format'],
    ['file dir/a seq 1 type b\n', "File can't be a path, just a filename"],
    ['file a seq 1 type b\nfile b seq 2 type b\n', 'Found duplicate base file information'],
    ['file a seq 2 type i\nfile b seq 2 type i\n', 'Found a non-monotonic sequence number'],
    ['file a seq 1 type x\n', 'Unknown AOF file type'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseManifest(text), (error: Error) => error instanceof ManifestError && error.message === message, JSON.stringify(text));
  }
});

test('a rewrite: new incr, new base, old files to history, then history dropped (Redis 7.0 naming)', () => {
  let manifest = parseManifest(REDIS_WRITTEN);
  manifest = withNewIncr(manifest, 'appendonly.aof');
  assert.equal(manifest.incr[1]?.name, 'appendonly.aof.3.incr.aof');
  manifest = withNewBase(manifest, 'appendonly.aof', false);
  assert.equal(manifest.base?.name, 'appendonly.aof.3.base.aof');
  manifest = withRewrittenIncrAsHistory(manifest, true);
  assert.equal(
    formatManifest(manifest),
    'file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\nfile appendonly.aof.2.base.rdb seq 2 type h\nfile appendonly.aof.3.incr.aof seq 3 type i\n',
  );
  assert.equal(formatManifest(withoutHistory(manifest)), 'file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
});
