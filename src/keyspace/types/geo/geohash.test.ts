import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGeoScore, geoDistance, geoScore, searchRanges, standardGeohash } from './geohash.js';

// Expected values captured from redis-server 7.0.15 (GEOADD + ZSCORE, GEOPOS, GEOHASH, GEODIST).
test('geoScore equals Redis scores, including the corners of the range', () => {
  assert.equal(geoScore(13.361389, 38.115556), 3479099956230698);
  assert.equal(geoScore(15.087269, 37.502669), 3479447370796909);
  assert.equal(geoScore(0, 0), 3377699720527872);
  assert.equal(geoScore(-180, -85.05112878), 0);
});

test('decodeGeoScore returns the cell centre as Redis prints it', () => {
  const [longitude, latitude] = decodeGeoScore(3479099956230698);
  assert.equal(longitude.toFixed(17), '13.36138933897018433');
  assert.equal(latitude.toFixed(17), '38.11555639549629859');
});

test('standardGeohash and geoDistance match Redis', () => {
  assert.equal(standardGeohash(3479099956230698), 'sqc8b49rny0');
  assert.equal(standardGeohash(3479447370796909), 'sqdtr74hyu0');
  const [lon1, lat1] = decodeGeoScore(3479099956230698);
  const [lon2, lat2] = decodeGeoScore(3479447370796909);
  assert.equal(geoDistance(lon1, lat1, lon2, lat2).toFixed(4), '166274.1516');
});

test('searchRanges: the centre cell first, never an empty range', () => {
  const ranges = searchRanges({ kind: 'radius', longitude: 15, latitude: 37, toMeters: 1000, radius: 200 });
  assert.ok(ranges.length >= 1 && ranges.length <= 9);
  const centre = geoScore(15, 37);
  const [min, max] = ranges[0] as [number, number];
  assert.ok(min <= centre && centre < max);
  for (const [lo, hi] of ranges) assert.ok(lo < hi);
});

test('the 52-bit fast decode equals the bigint decode', () => {
  for (let i = 0; i < 2000; i++) {
    const score = Math.floor(((i * 2654435761) % 4503599627370496) + (i % 7));
    const fast = decodeGeoScore(score);
    const slow = decodeGeoScore(score + 0.5); // not an integer: the bigint path, same cell
    assert.deepEqual(fast, slow, String(score));
  }
});
