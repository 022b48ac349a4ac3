import type { StreamValue } from '../../keyspace/types/stream/stream.js';
import type { StreamNode } from '../../keyspace/types/stream/stream-node.js';
import type { U64 } from '../../keyspace/types/stream/stream-id.js';
import { STREAM_ITEM_FLAG_DELETED, STREAM_ITEM_FLAG_SAMEFIELDS } from './constants.js';
import type { ListpackBuilder } from './listpack.js';
import type { RdbOutput } from './rdb-output.js';

/** Redis's streamID node key: ms and seq, big-endian. */
const NODE_KEY_BYTES = 16;
const U64_MAX = 18446744073709551615n;

/** a - b for u64 parts, as the int64 Redis stores in a node's listpack. */
function delta(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return BigInt.asIntN(64, BigInt(a) - BigInt(b));
}

function emptyValues(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) out.push(name, '');
  return out;
}

/** One node as Redis's listpack (t_stream.c: master entry, then entries with back counts). */
function writeNodeListpack(node: StreamNode, builder: ListpackBuilder): void {
  builder.reset();
  const masterFields = node.masterFields;
  builder.addInt(node.live);
  builder.addInt(node.deleted);
  builder.addInt(masterFields.length);
  for (const field of masterFields) builder.addString(field);
  builder.addInt(0); // the master entry's terminator
  for (let slot = 0; slot < node.slots; slot++) {
    const fields = node.fieldsAt(slot);
    const msDiff = delta(node.msAt(slot), node.masterMs);
    const seqDiff = delta(node.seqAt(slot), node.masterSeq);
    const deleted = fields === null;
    // A deleted entry keeps its fields, as in Redis's listpack; without them (none kept), the
    // master fields with empty values (readers skip deleted entries).
    const entry = fields ?? node.deletedFieldsAt(slot) ?? emptyValues(masterFields);
    const numFields = entry.length / 2;
    let same = numFields === masterFields.length;
    for (let i = 0; same && i < numFields; i++) same = entry[i * 2] === masterFields[i];
    builder.addInt((deleted ? STREAM_ITEM_FLAG_DELETED : 0) | (same ? STREAM_ITEM_FLAG_SAMEFIELDS : 0));
    builder.addInt(msDiff);
    builder.addInt(seqDiff);
    if (same) {
      for (let i = 1; i < entry.length; i += 2) builder.addString(entry[i] as string);
      builder.addInt(numFields + 3);
    } else {
      builder.addInt(numFields);
      for (const text of entry) builder.addString(text);
      builder.addInt(numFields * 2 + 4);
    }
  }
}

/** Both parts of an id as RDB lengths. */
function writeIdLens(out: RdbOutput, ms: U64, seq: U64): void {
  out.len(ms);
  out.len(seq);
}

/**
 * STREAM_LISTPACKS_2 (rdb.c rdbSaveObject, Redis 7.0). `version` 1 leaves out what 7.0 added
 * (first id, max deleted id, entries added, groups' entries read) and 3 adds 7.2's consumer
 * active time (the seen time here): for tests and older or newer readers.
 */
export function writeStreamBody(stream: StreamValue, out: RdbOutput, compress: boolean, builder: ListpackBuilder, version: 1 | 2 | 3 = 2): void {
  out.len(stream.nodes.length);
  for (const node of stream.nodes) {
    out.len(NODE_KEY_BYTES);
    out.u64BE(node.masterMs);
    out.u64BE(node.masterSeq);
    writeNodeListpack(node, builder);
    const blob = builder.finish();
    out.blob(blob.buf, blob.start, blob.end, compress);
  }
  out.len(stream.length);
  writeIdLens(out, stream.lastId.ms, stream.lastId.seq);
  if (version >= 2) {
    writeIdLens(out, stream.firstId.ms, stream.firstId.seq);
    writeIdLens(out, stream.maxDeletedId.ms, stream.maxDeletedId.seq);
    out.len(stream.entriesAdded);
  }
  const groups = stream.sortedGroups();
  out.len(groups.length);
  for (const group of groups) {
    out.string(group.name, compress);
    writeIdLens(out, group.lastId.ms, group.lastId.seq);
    if (version >= 2) out.len(group.entriesRead < 0 ? U64_MAX : group.entriesRead);
    out.len(group.pending.size);
    for (const [id, entry] of group.pending.entries()) {
      out.u64BE(id.ms);
      out.u64BE(id.seq);
      out.i64LE(entry.deliveryTimeMs);
      out.len(entry.deliveryCount);
    }
    const consumers = group.sortedConsumers();
    out.len(consumers.length);
    for (const consumer of consumers) {
      out.string(consumer.name, compress);
      out.i64LE(consumer.seenTimeMs);
      if (version >= 3) out.i64LE(consumer.seenTimeMs);
      out.len(consumer.pending.size);
      for (const [id] of consumer.pending.entries()) {
        out.u64BE(id.ms);
        out.u64BE(id.seq);
      }
    }
  }
}
