import { ReplyError } from '../lib/errors.js';
import { RawString } from '../keyspace/raw-string.js';
import { denseGetRegister, denseSet, denseSetRegister } from '../keyspace/types/hll/dense.js';
import { hllCount, hllSet, patternLengthOfU64, patternRegister } from '../keyspace/types/hll/hyperloglog.js';
import { HLL_DENSE_SIZE, HLL_REGISTERS, HLL_REGISTER_MAX, HLL_SPARSE, hllEncoding } from '../keyspace/types/hll/layout.js';
import { emptySparseHll } from '../keyspace/types/hll/sparse.js';
import type { CommandContext } from './context.js';

/**
 * PFSELFTEST (hyperloglog.c): register access round trips, then 10^7 distinct elements added
 * to a dense and a sparse HLL, checking at each power of ten that both agree and that the error
 * stays within six standard errors.
 */

const TEST_CYCLES = 1000;
const MAX_ELEMENTS = 10_000_000;

export function pfselftest(ctx: CommandContext, _argv: string[]): void {
  const dense = Buffer.alloc(HLL_DENSE_SIZE + 1);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < TEST_CYCLES; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = ctx.random.int(HLL_REGISTER_MAX + 1);
      expected[i] = value;
      denseSetRegister(dense, i, value);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = denseGetRegister(dense, i);
      if (value !== expected[i]) throw new ReplyError(`TESTFAILED Register ${i} should be ${expected[i]} but is ${value}`);
    }
  }

  dense.fill(0, 16);
  const sparse = new RawString(emptySparseHll(), 16);
  const sparseMaxBytes = ctx.server.config.number('hll-sparse-max-bytes');
  const relativeError = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = ctx.random.int(0x100000000);
  const seedHi = ctx.random.int(0x100000000);
  let checkpoint = 1;
  for (let j = 1; j <= MAX_ELEMENTS; j++) {
    // The element is j ^ seed as 8 little-endian bytes.
    const count = patternLengthOfU64((j ^ seedLo) >>> 0, seedHi);
    denseSet(dense, patternRegister, count);
    hllSet(sparse, patternRegister, count, sparseMaxBytes);
    if (j !== checkpoint) continue;
    if (j < sparseMaxBytes / 2 && hllEncoding(sparse.bytes) !== HLL_SPARSE) throw new ReplyError('TESTFAILED sparse encoding not used');
    const denseCount = Number(hllCount(dense, HLL_DENSE_SIZE));
    if (denseCount !== Number(hllCount(sparse.bytes, sparse.length))) throw new ReplyError('TESTFAILED dense/sparse disagree');
    let maxError = Math.ceil(relativeError * 6 * checkpoint);
    if (j === 10) maxError = 1;
    const absError = Math.abs(checkpoint - denseCount);
    if (absError > maxError) throw new ReplyError(`TESTFAILED Too big error. card:${checkpoint} abserr:${absError}`);
    checkpoint *= 10;
  }
  ctx.reply.ok();
}
