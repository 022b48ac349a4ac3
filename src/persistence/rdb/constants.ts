/**
 * RDB format numbers (Redis 7.0 src/rdb.h). Object types are the first byte of a key's value in
 * an RDB file and of a DUMP payload; opcodes are the special bytes between keys.
 */

/** The version Redis 7.0 writes (and the highest this codec reads). */
export const RDB_VERSION = 10;

export const RdbType = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  zset2: 5,
  moduleV1: 6,
  moduleV2: 7,
  hashZipmap: 9,
  listZiplist: 10,
  setIntset: 11,
  zsetZiplist: 12,
  hashZiplist: 13,
  listQuicklist: 14,
  streamListpacks: 15,
  hashListpack: 16,
  zsetListpack: 17,
  listQuicklist2: 18,
  streamListpacks2: 19,
  setListpack: 20,
  streamListpacks3: 21,
} as const;

export const RdbOpcode = {
  function2: 245,
  function: 246,
  moduleAux: 247,
  idle: 248,
  freq: 249,
  aux: 250,
  resizeDb: 251,
  expireTimeMs: 252,
  expireTime: 253,
  selectDb: 254,
  eof: 255,
} as const;

/** Length encodings: the top two bits of the first byte. */
export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_32BITLEN = 0x80;
export const RDB_64BITLEN = 0x81;
export const RDB_ENCVAL = 3;

/** Special string encodings (RDB_ENCVAL + these in the low six bits). */
export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

/** Quicklist 2 node containers. */
export const QUICKLIST_NODE_PLAIN = 1;
export const QUICKLIST_NODE_PACKED = 2;

/** Stream entry flags in a node's listpack (t_stream.c). */
export const STREAM_ITEM_FLAG_DELETED = 1;
export const STREAM_ITEM_FLAG_SAMEFIELDS = 2;
