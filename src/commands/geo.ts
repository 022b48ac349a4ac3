import { Errors, ReplyError } from '../lib/errors.js';
import { SortedSet } from '../keyspace/types/zset/sorted-set.js';
import { parseStrictDouble } from '../keyspace/types/zset/strtod.js';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  decodeGeoScore,
  distanceIfInside,
  geoDistance,
  geoScore,
  searchRanges,
  standardGeohash,
  type GeoShape,
} from '../keyspace/types/geo/geohash.js';
import type { CommandContext, CommandDefinition } from './context.js';
import { notify } from './notify.js';
import { lookupRead } from './lookup.js';
import { isOption, parseInt64 } from './parse.js';
import { zsetLimits } from './sorted-sets/common.js';
import { zaddCommands } from './sorted-sets/add.js';

/** GEOADD GEODIST GEOHASH GEOPOS GEOSEARCH GEOSEARCHSTORE GEORADIUS* (Redis's geo.c). */

const zadd = zaddCommands.find((c) => c.name === 'zadd')?.handler;

/** C's "%f": six decimals, every integer digit. */
function formatFixed6(value: number): string {
  if (Number.isNaN(value)) return value < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  if (Math.abs(value) < 1e21) return value.toFixed(6);
  return `${BigInt(value).toString()}.000000`;
}

/** Redis's LD_STR_HUMAN of a double: "%.17Lf" without trailing zeros. */
function formatHuman(value: number): string {
  let text = value.toFixed(17);
  if (text.includes('.')) {
    text = text.replace(/0+$/, '');
    if (text.endsWith('.')) text = text.slice(0, -1);
  }
  return text === '-0' ? '-0' : text;
}

/** addReplyHumanLongDouble: a bulk string in RESP2, a double in RESP3. */
function replyHuman(ctx: CommandContext, value: number): void {
  const text = formatHuman(value);
  if (ctx.reply.protocol === 3) ctx.reply.simpleWithMarker(0x2c, text);
  else ctx.reply.bulk(text);
}

/** addReplyDoubleDistance: "%.4f", always a bulk string. */
function replyDistance(ctx: CommandContext, meters: number): void {
  ctx.reply.bulk(meters.toFixed(4));
}

function parseDouble(text: string, message: string = Errors.notFloat): number {
  const value = parseStrictDouble(text);
  if (value === null) throw new ReplyError(message);
  return value;
}

/** extractLongLatOrReply. */
function parseLongLat(longitudeText: string, latitudeText: string): [number, number] {
  const longitude = parseDouble(longitudeText);
  const latitude = parseDouble(latitudeText);
  if (longitude < GEO_LONG_MIN || longitude > GEO_LONG_MAX || latitude < GEO_LAT_MIN || latitude > GEO_LAT_MAX) {
    throw new ReplyError(`ERR invalid longitude,latitude pair ${formatFixed6(longitude)},${formatFixed6(latitude)}`);
  }
  return [longitude, latitude];
}

/** extractUnitOrReply: meters per unit. */
function parseUnit(text: string): number {
  if (isOption(text, 'm')) return 1;
  if (isOption(text, 'km')) return 1000;
  if (isOption(text, 'ft')) return 0.3048;
  if (isOption(text, 'mi')) return 1609.34;
  throw new ReplyError('ERR unsupported unit provided. please use M, KM, FT, MI');
}

function readGeoSet(ctx: CommandContext, key: string): SortedSet | undefined {
  const value = lookupRead(ctx, key);
  if (value === undefined) return undefined;
  if (!(value instanceof SortedSet)) throw new ReplyError(Errors.wrongType);
  return value;
}

/** GEOADD key [NX|XX] [CH] lon lat member ...: rewritten to ZADD, and propagated as such. */
function geoadd(ctx: CommandContext, argv: string[]): void {
  let at = 2;
  let nx = false;
  let xx = false;
  for (; at < argv.length; at++) {
    const arg = argv[at] as string;
    if (isOption(arg, 'nx')) nx = true;
    else if (isOption(arg, 'xx')) xx = true;
    else if (!isOption(arg, 'ch')) break;
  }
  if ((argv.length - at) % 3 !== 0 || (xx && nx)) throw new ReplyError(Errors.syntax);
  const zaddArgv = ['zadd', ...argv.slice(1, at)];
  for (let i = at; i < argv.length; i += 3) {
    const [longitude, latitude] = parseLongLat(argv[i] as string, argv[i + 1] as string);
    zaddArgv.push(String(geoScore(longitude, latitude)), argv[i + 2] as string);
  }
  zadd?.(ctx, zaddArgv);
  ctx.propagateAs(zaddArgv);
}

function geopos(ctx: CommandContext, argv: string[]): void {
  const zset = readGeoSet(ctx, argv[1] as string);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i] as string);
    if (score === undefined) {
      ctx.reply.nullArray();
      continue;
    }
    const [longitude, latitude] = decodeGeoScore(score);
    ctx.reply.array(2);
    replyHuman(ctx, longitude);
    replyHuman(ctx, latitude);
  }
}

function geohash(ctx: CommandContext, argv: string[]): void {
  const zset = readGeoSet(ctx, argv[1] as string);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i] as string);
    ctx.reply.bulk(score === undefined ? null : standardGeohash(score));
  }
}

function geodist(ctx: CommandContext, argv: string[]): void {
  let toMeters = 1;
  if (argv.length === 5) toMeters = parseUnit(argv[4] as string);
  else if (argv.length > 5) throw new ReplyError(Errors.syntax);
  const zset = readGeoSet(ctx, argv[1] as string);
  const score1 = zset?.score(argv[2] as string);
  const score2 = zset?.score(argv[3] as string);
  if (score1 === undefined || score2 === undefined) {
    ctx.reply.null();
    return;
  }
  const [lon1, lat1] = decodeGeoScore(score1);
  const [lon2, lat2] = decodeGeoScore(score2);
  replyDistance(ctx, geoDistance(lon1, lat1, lon2, lat2) / toMeters);
}

/** Which command georadiusGeneric serves. */
interface SearchCommand {
  kind: 'coords' | 'member' | 'search';
  /** Index of the source key. */
  keyIndex: number;
  /** GEORADIUS_RO and friends: no STORE option. */
  noStore: boolean;
  /** GEOSEARCHSTORE: argv[1] is the destination. */
  searchStore: boolean;
}

interface Found {
  member: string;
  score: number;
  longitude: number;
  latitude: number;
  distance: number;
}

const NOT_DECODABLE = 'ERR could not decode requested zset member';

function memberPosition(zset: SortedSet, member: string): [number, number] {
  const score = zset.score(member);
  if (score === undefined) throw new ReplyError(NOT_DECODABLE);
  return decodeGeoScore(score);
}

/** extractDistanceOrReply. */
function parseRadius(radiusText: string, unitText: string): { radius: number; toMeters: number } {
  const radius = parseDouble(radiusText, 'ERR need numeric radius');
  if (radius < 0) throw new ReplyError('ERR radius cannot be negative');
  return { radius, toMeters: parseUnit(unitText) };
}

/** extractBoxOrReply. */
function parseBox(widthText: string, heightText: string, unitText: string): { width: number; height: number; toMeters: number } {
  const width = parseDouble(widthText, 'ERR need numeric width');
  const height = parseDouble(heightText, 'ERR need numeric height');
  if (height < 0 || width < 0) throw new ReplyError('ERR height or width cannot be negative');
  return { width, height, toMeters: parseUnit(unitText) };
}

/** Redis's georadiusGeneric: GEORADIUS*, GEOSEARCH, GEOSEARCHSTORE. */
function georadiusGeneric(ctx: CommandContext, argv: string[], command: SearchCommand): void {
  const zset = readGeoSet(ctx, argv[command.keyIndex] as string);
  let center: [number, number] | null = null;
  let radius: { radius: number; toMeters: number } | null = null;
  let box: { width: number; height: number; toMeters: number } | null = null;
  let baseArgs: number;
  let storeKey: string | null = null;
  if (command.kind === 'coords') {
    baseArgs = 6;
    center = parseLongLat(argv[2] as string, argv[3] as string);
    radius = parseRadius(argv[4] as string, argv[5] as string);
  } else if (command.kind === 'member') {
    baseArgs = 5;
    if (zset !== undefined) {
      center = memberPosition(zset, argv[2] as string);
      radius = parseRadius(argv[3] as string, argv[4] as string);
    }
  } else {
    baseArgs = command.searchStore ? 3 : 2;
    if (command.searchStore) storeKey = argv[1] as string;
  }

  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLonLat = false;
  let byRadius = false;
  let byBox = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0;
  let storeDist = false;
  const search = command.kind === 'search';
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const at = baseArgs + i;
    const arg = argv[at] as string;
    if (isOption(arg, 'withdist')) withDist = true;
    else if (isOption(arg, 'withhash')) withHash = true;
    else if (isOption(arg, 'withcoord')) withCoord = true;
    else if (isOption(arg, 'any')) any = true;
    else if (isOption(arg, 'asc')) sort = 'asc';
    else if (isOption(arg, 'desc')) sort = 'desc';
    else if (isOption(arg, 'count') && i + 1 < remaining) {
      const parsed = parseInt64(argv[at + 1] as string);
      if (parsed <= 0n) throw new ReplyError('ERR COUNT must be > 0');
      count = parsed > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(parsed);
      i++;
    } else if ((isOption(arg, 'store') || isOption(arg, 'storedist')) && i + 1 < remaining && !command.noStore && !search) {
      storeKey = argv[at + 1] as string;
      storeDist = isOption(arg, 'storedist');
      i++;
    } else if (isOption(arg, 'storedist') && search && command.searchStore) {
      storeDist = true;
    } else if (isOption(arg, 'frommember') && i + 1 < remaining && search && !fromLonLat) {
      if (zset !== undefined) center = memberPosition(zset, argv[at + 1] as string);
      fromMember = true;
      i++;
    } else if (isOption(arg, 'fromlonlat') && i + 2 < remaining && search && !fromMember) {
      center = parseLongLat(argv[at + 1] as string, argv[at + 2] as string);
      fromLonLat = true;
      i += 2;
    } else if (isOption(arg, 'byradius') && i + 2 < remaining && search && !byBox) {
      radius = parseRadius(argv[at + 1] as string, argv[at + 2] as string);
      byRadius = true;
      i += 2;
    } else if (isOption(arg, 'bybox') && i + 3 < remaining && search && !byRadius) {
      box = parseBox(argv[at + 1] as string, argv[at + 2] as string, argv[at + 3] as string);
      byBox = true;
      i += 3;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  if (storeKey !== null && (withDist || withHash || withCoord)) {
    const what = command.searchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    throw new ReplyError(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  const name = argv[0] as string;
  if (search && !(fromMember || fromLonLat)) throw new ReplyError(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
  if (search && !(byRadius || byBox)) throw new ReplyError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
  if (any && count === 0) throw new ReplyError('ERR the ANY argument requires COUNT argument');

  if (zset === undefined || center === null) {
    if (storeKey !== null) {
      if (ctx.db.delete(storeKey) !== undefined) {
        ctx.dirty();
        notify(ctx, 'g', 'del', storeKey);
      }
      ctx.reply.integer(0);
    } else {
      ctx.reply.array(0);
    }
    return;
  }
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';

  const shape: GeoShape =
    box !== null
      ? { kind: 'box', longitude: center[0], latitude: center[1], toMeters: box.toMeters, width: box.width, height: box.height }
      : { kind: 'radius', longitude: center[0], latitude: center[1], toMeters: radius?.toMeters ?? 1, radius: radius?.radius ?? 0 };
  const found = collect(zset, shape, any ? count : 0);
  if (found.length === 0 && storeKey === null) {
    ctx.reply.array(0);
    return;
  }
  const returned = count === 0 || found.length < count ? found.length : count;
  // A stable sort, like glibc's qsort (a merge sort) that Redis calls.
  if (sort === 'asc') found.sort((a, b) => a.distance - b.distance);
  else if (sort === 'desc') found.sort((a, b) => b.distance - a.distance);

  if (storeKey === null) {
    const options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0);
    ctx.reply.array(returned);
    for (let i = 0; i < returned; i++) {
      const point = found[i] as Found;
      if (options > 0) ctx.reply.array(options + 1);
      ctx.reply.bulk(point.member);
      if (withDist) replyDistance(ctx, point.distance / shape.toMeters);
      if (withHash) ctx.reply.integer(point.score);
      if (withCoord) {
        ctx.reply.array(2);
        replyHuman(ctx, point.longitude);
        replyHuman(ctx, point.latitude);
      }
    }
    return;
  }
  if (returned > 0) {
    const limits = zsetLimits(ctx);
    let maxMemberBytes = 0;
    for (let i = 0; i < returned; i++) maxMemberBytes = Math.max(maxMemberBytes, (found[i] as Found).member.length);
    const result = SortedSet.create(returned, maxMemberBytes, limits);
    for (let i = 0; i < returned; i++) {
      const point = found[i] as Found;
      result.set(point.member, storeDist ? point.distance / shape.toMeters : point.score, limits);
    }
    ctx.db.set(storeKey, result);
    ctx.dirty(returned);
    notify(ctx, 'z', command.searchStore ? 'geosearchstore' : 'georadiusstore', storeKey);
  } else if (ctx.db.delete(storeKey) !== undefined) {
    ctx.dirty();
    notify(ctx, 'g', 'del', storeKey);
  }
  ctx.reply.integer(returned);
}

/** membersOfAllNeighbors: points inside the shape, cell by cell in Redis's order. */
function collect(zset: SortedSet, shape: GeoShape, limit: number): Found[] {
  const found: Found[] = [];
  for (const [min, max] of searchRanges(shape)) {
    if (found.length > 0 && limit > 0 && found.length >= limit) break;
    const start = zset.countBefore((score) => score >= min);
    const end = zset.countBefore((score) => score >= max);
    zset.walk(start, end - start, false, (member, score) => {
      const [longitude, latitude] = decodeGeoScore(score);
      const distance = distanceIfInside(shape, longitude, latitude);
      if (distance === null) return true;
      found.push({ member, score, longitude, latitude, distance });
      return !(limit > 0 && found.length >= limit);
    });
  }
  return found;
}

const radius = (command: SearchCommand) => (ctx: CommandContext, argv: string[]) => georadiusGeneric(ctx, argv, command);

export const geoCommands: readonly CommandDefinition[] = [
  { name: 'geoadd', handler: geoadd },
  { name: 'geopos', handler: geopos },
  { name: 'geohash', handler: geohash },
  { name: 'geodist', handler: geodist },
  { name: 'georadius', handler: radius({ kind: 'coords', keyIndex: 1, noStore: false, searchStore: false }) },
  { name: 'georadius_ro', handler: radius({ kind: 'coords', keyIndex: 1, noStore: true, searchStore: false }) },
  { name: 'georadiusbymember', handler: radius({ kind: 'member', keyIndex: 1, noStore: false, searchStore: false }) },
  { name: 'georadiusbymember_ro', handler: radius({ kind: 'member', keyIndex: 1, noStore: true, searchStore: false }) },
  { name: 'geosearch', handler: radius({ kind: 'search', keyIndex: 1, noStore: true, searchStore: false }) },
  { name: 'geosearchstore', handler: radius({ kind: 'search', keyIndex: 2, noStore: true, searchStore: true }) },
];
