/**
 * Redis's geohash (src/geohash.c, geohash_helper.c): coordinates are scaled to 26-bit cells of
 * the WGS84 box (latitudes limited to ±85.05112878, the Web Mercator range) and interleaved into
 * a 52-bit integer that is stored as the member's score. Bit manipulation is done on bigints:
 * the values need up to 64 bits, beyond JS's 32-bit operators.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** Redis's EARTH_RADIUS_IN_METERS. */
export const EARTH_RADIUS_METERS = 6372797.560856;
/** Redis's MERCATOR_MAX, used to pick a search step from a radius. */
const MERCATOR_MAX = 20037726.37;

export interface GeoHashBits {
  bits: bigint;
  step: number;
}

export interface GeoHashArea {
  longitudeMin: number;
  longitudeMax: number;
  latitudeMin: number;
  latitudeMax: number;
}

const U64 = (1n << 64n) - 1n;
const B = [0x5555555555555555n, 0x3333333333333333n, 0x0f0f0f0f0f0f0f0fn, 0x00ff00ff00ff00ffn, 0x0000ffff0000ffffn];
const S = [0n, 1n, 2n, 4n, 8n, 16n];

/** interleave64: x's bits on even positions, y's on odd ones (both uint32). */
function interleave64(xlo: number, ylo: number): bigint {
  let x = BigInt(xlo >>> 0);
  let y = BigInt(ylo >>> 0);
  for (let i = 4; i >= 0; i--) {
    x = (x | (x << (S[i + 1] as bigint))) & (B[i] as bigint);
    y = (y | (y << (S[i + 1] as bigint))) & (B[i] as bigint);
  }
  return x | (y << 1n);
}

/** deinterleave64: even bits in the low 32, odd bits in the high 32. */
function deinterleave64(interleaved: bigint): [number, number] {
  let x = interleaved & U64;
  let y = (interleaved >> 1n) & U64;
  x &= B[0] as bigint;
  y &= B[0] as bigint;
  for (let i = 1; i <= 5; i++) {
    const mask = i <= 4 ? (B[i] as bigint) : 0x00000000ffffffffn;
    x = (x | (x >> (S[i] as bigint))) & mask;
    y = (y | (y >> (S[i] as bigint))) & mask;
  }
  return [Number(x), Number(y)];
}

/** geohashEncode with explicit ranges; null where Redis returns 0 (out of range). */
export function geohashEncode(longRange: [number, number], latRange: [number, number], longitude: number, latitude: number, step: number): GeoHashBits | null {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange[0] || latitude > latRange[1] || longitude < longRange[0] || longitude > longRange[1]) return null;
  let latOffset = (latitude - latRange[0]) / (latRange[1] - latRange[0]);
  let longOffset = (longitude - longRange[0]) / (longRange[1] - longRange[0]);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave64(Math.trunc(latOffset), Math.trunc(longOffset)), step };
}

const WGS84_LONG: [number, number] = [GEO_LONG_MIN, GEO_LONG_MAX];
const WGS84_LAT: [number, number] = [GEO_LAT_MIN, GEO_LAT_MAX];

export function geohashEncodeWGS84(longitude: number, latitude: number, step: number): GeoHashBits | null {
  return geohashEncode(WGS84_LONG, WGS84_LAT, longitude, latitude, step);
}

/** geohashAlign52Bits. */
export function align52Bits(hash: GeoHashBits): bigint {
  return hash.bits << BigInt(52 - hash.step * 2);
}

/** The score GEOADD stores for a coordinate pair (already range-checked). */
export function geoScore(longitude: number, latitude: number): number {
  const hash = geohashEncodeWGS84(longitude, latitude, GEO_STEP_MAX);
  return hash === null ? 0 : Number(align52Bits(hash));
}

export function geohashDecode(longRange: [number, number], latRange: [number, number], hash: GeoHashBits): GeoHashArea {
  const [ilato, ilono] = deinterleave64(hash.bits);
  const latScale = latRange[1] - latRange[0];
  const longScale = longRange[1] - longRange[0];
  const cells = 2 ** hash.step;
  return {
    latitudeMin: latRange[0] + (ilato * 1.0 / cells) * latScale,
    latitudeMax: latRange[0] + ((ilato + 1) * 1.0 / cells) * latScale,
    longitudeMin: longRange[0] + (ilono * 1.0 / cells) * longScale,
    longitudeMax: longRange[0] + ((ilono + 1) * 1.0 / cells) * longScale,
  };
}

/**
 * (uint64_t)score as x86-64 gcc converts it: below 2^63 via a signed conversion (the
 * "indefinite" 2^63 when out of range), above it by subtracting 2^63 first and flipping the
 * top bit back, so 2^64 and beyond (and +inf) come out as 0.
 */
function scoreToBits(score: number): bigint {
  if (score >= 2 ** 64) return 0n;
  if (score <= -(2 ** 63) || Number.isNaN(score)) return 0x8000000000000000n;
  const truncated = Math.trunc(score);
  return BigInt.asUintN(64, BigInt(truncated));
}

/** The even bits of a 32-bit value, packed into its low 16 bits. */
function evenBits(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  return (x | (x >>> 8)) & 0x0000ffff;
}

const TWO_32 = 2 ** 32;

/** geohashDecode of a 52-bit score without bigints (GEOSEARCH decodes every candidate). */
function decodeArea52(score: number): GeoHashArea {
  const lo = score % TWO_32;
  const hi = (score - lo) / TWO_32;
  const ilato = evenBits(lo) + evenBits(hi) * 65536;
  const ilono = evenBits(lo >>> 1) + evenBits(hi >>> 1) * 65536;
  const cells = 2 ** GEO_STEP_MAX;
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const longScale = GEO_LONG_MAX - GEO_LONG_MIN;
  return {
    latitudeMin: GEO_LAT_MIN + (ilato * 1.0 / cells) * latScale,
    latitudeMax: GEO_LAT_MIN + ((ilato + 1) * 1.0 / cells) * latScale,
    longitudeMin: GEO_LONG_MIN + (ilono * 1.0 / cells) * longScale,
    longitudeMax: GEO_LONG_MIN + ((ilono + 1) * 1.0 / cells) * longScale,
  };
}

/** decodeGeohash: a score back to [longitude, latitude], the centre of its cell, clamped. */
export function decodeGeoScore(score: number): [number, number] {
  const area =
    Number.isInteger(score) && score >= 0 && score < 2 ** 52
      ? decodeArea52(score)
      : geohashDecode(WGS84_LONG, WGS84_LAT, { bits: scoreToBits(score), step: GEO_STEP_MAX });
  let longitude = (area.longitudeMin + area.longitudeMax) / 2;
  if (longitude > GEO_LONG_MAX) longitude = GEO_LONG_MAX;
  if (longitude < GEO_LONG_MIN) longitude = GEO_LONG_MIN;
  let latitude = (area.latitudeMin + area.latitudeMax) / 2;
  if (latitude > GEO_LAT_MAX) latitude = GEO_LAT_MAX;
  if (latitude < GEO_LAT_MIN) latitude = GEO_LAT_MIN;
  return [longitude, latitude];
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character standard geohash (re-encoded with latitudes ±90). */
export function standardGeohash(score: number): string {
  const [longitude, latitude] = decodeGeoScore(score);
  const hash = geohashEncode([-180, 180], [-90, 90], longitude, latitude, GEO_STEP_MAX);
  const bits = hash?.bits ?? 0n;
  let text = '';
  for (let i = 0; i < 11; i++) {
    const index = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    text += ALPHABET[index] as string;
  }
  return text;
}

function degToRad(degrees: number): number {
  return degrees * (Math.PI / 180.0);
}

function radToDeg(radians: number): number {
  return radians / (Math.PI / 180.0);
}

export function latitudeDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_METERS * Math.abs(degToRad(lat2) - degToRad(lat1));
}

/** geohashGetDistance: haversine on Redis's earth radius, in meters. */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degToRad(lon1);
  const lon2r = degToRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latitudeDistance(lat1, lat2);
  const lat1r = degToRad(lat1);
  const lat2r = degToRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_METERS * Math.asin(Math.sqrt(a));
}

/** A search shape: a circle (radius) or a box (width × height), sizes in the unit given. */
export type GeoShape =
  | { kind: 'radius'; longitude: number; latitude: number; toMeters: number; radius: number }
  | { kind: 'box'; longitude: number; latitude: number; toMeters: number; width: number; height: number };

/** The distance from the centre when the point is inside the shape, else null. */
export function distanceIfInside(shape: GeoShape, longitude: number, latitude: number): number | null {
  if (shape.kind === 'radius') {
    const distance = geoDistance(shape.longitude, shape.latitude, longitude, latitude);
    return distance > shape.radius * shape.toMeters ? null : distance;
  }
  const widthMeters = shape.width * shape.toMeters;
  const heightMeters = shape.height * shape.toMeters;
  if (latitudeDistance(latitude, shape.latitude) > heightMeters / 2) return null;
  if (geoDistance(longitude, latitude, shape.longitude, latitude) > widthMeters / 2) return null;
  return geoDistance(shape.longitude, shape.latitude, longitude, latitude);
}

function estimateStepsByRadius(rangeMeters: number, latitude: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

function boundingBox(shape: GeoShape): [number, number, number, number] {
  const { longitude, latitude } = shape;
  const height = shape.toMeters * (shape.kind === 'radius' ? shape.radius : shape.height / 2);
  const width = shape.toMeters * (shape.kind === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = radToDeg(height / EARTH_RADIUS_METERS);
  const longDeltaTop = radToDeg(width / EARTH_RADIUS_METERS / Math.cos(degToRad(latitude + latDelta)));
  const longDeltaBottom = radToDeg(width / EARTH_RADIUS_METERS / Math.cos(degToRad(latitude - latDelta)));
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

function moveX(hash: GeoHashBits, d: number): GeoHashBits {
  const shift = BigInt(64 - hash.step * 2);
  let x = hash.bits & 0xaaaaaaaaaaaaaaaan;
  const y = hash.bits & 0x5555555555555555n;
  const zz = 0x5555555555555555n >> shift;
  if (d > 0) x = x + (zz + 1n);
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= 0xaaaaaaaaaaaaaaaan >> shift;
  return { bits: x | y, step: hash.step };
}

function moveY(hash: GeoHashBits, d: number): GeoHashBits {
  const shift = BigInt(64 - hash.step * 2);
  const x = hash.bits & 0xaaaaaaaaaaaaaaaan;
  let y = hash.bits & 0x5555555555555555n;
  const zz = 0xaaaaaaaaaaaaaaaan >> shift;
  if (d > 0) y = y + (zz + 1n);
  else {
    y = y | zz;
    y = (y - (zz + 1n)) & U64;
  }
  y &= 0x5555555555555555n >> shift;
  return { bits: x | y, step: hash.step };
}

const ZERO_HASH: GeoHashBits = { bits: 0n, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84 + membersOfAllNeighbors' order: the cells to search, as
 * [min, max) score ranges, centre first, then N S E W NE NW SE SW, skipping useless and repeated
 * ones exactly as Redis does (so unsorted replies come in Redis's order).
 */
export function searchRanges(shape: GeoShape): Array<[number, number]> {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radiusMeters =
    (shape.kind === 'radius' ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) * shape.toMeters;
  let steps = estimateStepsByRadius(radiusMeters, shape.latitude);
  const compute = (s: number) => {
    const hash = geohashEncodeWGS84(shape.longitude, shape.latitude, s) ?? { bits: 0n, step: s };
    const neighbors = {
      north: moveY(hash, 1),
      south: moveY(hash, -1),
      east: moveX(hash, 1),
      west: moveX(hash, -1),
      northEast: moveY(moveX(hash, 1), 1),
      northWest: moveY(moveX(hash, -1), 1),
      southEast: moveY(moveX(hash, 1), -1),
      southWest: moveY(moveX(hash, -1), -1),
    };
    return { hash, neighbors, area: geohashDecode(WGS84_LONG, WGS84_LAT, hash) };
  };
  let cells = compute(steps);
  const north = geohashDecode(WGS84_LONG, WGS84_LAT, cells.neighbors.north);
  const south = geohashDecode(WGS84_LONG, WGS84_LAT, cells.neighbors.south);
  const east = geohashDecode(WGS84_LONG, WGS84_LAT, cells.neighbors.east);
  const west = geohashDecode(WGS84_LONG, WGS84_LAT, cells.neighbors.west);
  const decrease = north.latitudeMax < maxLat || south.latitudeMin > minLat || east.longitudeMax < maxLon || west.longitudeMin > minLon;
  if (steps > 1 && decrease) {
    steps--;
    cells = compute(steps);
  }
  const n = cells.neighbors;
  const area = cells.area;
  if (steps >= 2) {
    if (area.latitudeMin < minLat) n.south = n.southWest = n.southEast = ZERO_HASH;
    if (area.latitudeMax > maxLat) n.north = n.northEast = n.northWest = ZERO_HASH;
    if (area.longitudeMin < minLon) n.west = n.southWest = n.northWest = ZERO_HASH;
    if (area.longitudeMax > maxLon) n.east = n.southEast = n.northEast = ZERO_HASH;
  }
  const order = [cells.hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
  const ranges: Array<[number, number]> = [];
  // Redis skips a cell equal to the last one processed, but its "last" index starts at 0 and
  // is tested for truth, so a repeat of the centre cell is searched again.
  let lastIndex = 0;
  for (let i = 0; i < order.length; i++) {
    const cell = order[i] as GeoHashBits;
    if (cell.bits === 0n && cell.step === 0) continue;
    const last = order[lastIndex] as GeoHashBits;
    if (lastIndex !== 0 && cell.bits === last.bits && cell.step === last.step) continue;
    ranges.push([Number(align52Bits(cell)), Number(align52Bits({ bits: cell.bits + 1n, step: cell.step }))]);
    lastIndex = i;
  }
  return ranges;
}
