import { hashHi as jsHashHi, murmurHash64A as jsMurmurHash64A } from './murmur-hash-64a.js';

/**
 * MurmurHash64A (PFADD's hash) in WebAssembly, which has 64-bit integer multiplies: JavaScript
 * emulates each with 32-bit halves (murmur-hash-64a.ts), and the hash was ~18% of PFADD's CPU
 * (perf, in-process). The element's chars are copied into the module's memory, the module
 * hashes them and leaves the 64-bit result at offset 0. Elements longer than MAX_WASM_BYTES use
 * the JavaScript version (same results: the tests compare both).
 *
 * The module is 160-odd bytes, assembled below from its instructions (the text format is in
 * the comments) so that the build needs no WebAssembly toolchain.
 */

// The WebAssembly global's types come with TypeScript's DOM library, which this Node project
// does not load: the little used here, declared.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};

/** Where the element's bytes start in the module's memory (the result is at 0..7). */
const DATA_OFFSET = 16;
/** One 64 KB page; the tail load reads up to 7 bytes past the data. */
const MAX_WASM_BYTES = 65536 - DATA_OFFSET - 8;

const M = 0xc6a4a7935bd1e995n;

/** Signed LEB128 of a 64-bit two's-complement value (i64.const / i32.const immediates). */
function signedLeb128(value: bigint): number[] {
  let rest = BigInt.asIntN(64, value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const signBitSet = (byte & 0x40) !== 0;
    if ((rest === 0n && !signBitSet) || (rest === -1n && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  i32: (value: number) => [0x41, ...signedLeb128(BigInt(value))],
  i64: (value: bigint) => [0x42, ...signedLeb128(value)],
  i64Load: [0x29, 0x00, 0x00], // align 1, offset 0
  i64Store: [0x37, 0x03, 0x00], // align 8, offset 0
  i32And: [0x71],
  i32Add: [0x6a],
  i32GeU: [0x4f],
  i32Shl: [0x74],
  i32WrapI64: [0xa7],
  i64ExtendI32U: [0xad],
  i64Mul: [0x7e],
  i64Xor: [0x85],
  i64ShrU: [0x88],
  i64Shl: [0x86],
  i64Sub: [0x7d],
  i64And: [0x83],
};

// Parameters: 0 len (i32), 1 seed (i32). Locals: 2 h, 3 k (i64); 4 i, 5 end, 6 rest (i32).
const [LEN, SEED, H, K, I, END, REST] = [0, 1, 2, 3, 4, 5, 6];

/** h ^= h >> 47 */
const xorShift47 = (local: number) => [...op.get(local), ...op.get(local), ...op.i64(47n), ...op.i64ShrU, ...op.i64Xor];

const body = [
  // h = seed ^ (len * m)
  ...op.get(SEED), ...op.i64ExtendI32U, ...op.get(LEN), ...op.i64ExtendI32U, ...op.i64(M), ...op.i64Mul, ...op.i64Xor, ...op.set(H),
  // i = DATA_OFFSET; end = DATA_OFFSET + (len & ~7)
  ...op.i32(DATA_OFFSET), ...op.set(I),
  ...op.get(LEN), ...op.i32(-8), ...op.i32And, ...op.i32(DATA_OFFSET), ...op.i32Add, ...op.set(END),
  // while (i < end) { k = load64(i) * m; k ^= k >> 47; k *= m; h ^= k; h *= m; i += 8 }
  ...op.block, ...op.loop,
  ...op.get(I), ...op.get(END), ...op.i32GeU, ...op.brIf(1),
  ...op.get(I), ...op.i64Load, ...op.i64(M), ...op.i64Mul, ...op.set(K),
  ...xorShift47(K), ...op.i64(M), ...op.i64Mul, ...op.set(K),
  ...op.get(H), ...op.get(K), ...op.i64Xor, ...op.i64(M), ...op.i64Mul, ...op.set(H),
  ...op.get(I), ...op.i32(8), ...op.i32Add, ...op.set(I),
  ...op.br(0), ...op.end, ...op.end,
  // if (rest = len & 7) { h ^= load64(i) & ((1 << rest*8) - 1); h *= m }  (the switch's fall-through)
  ...op.get(LEN), ...op.i32(7), ...op.i32And, ...op.tee(REST), ...op.if,
  ...op.get(H), ...op.get(I), ...op.i64Load,
  ...op.i64(1n), ...op.get(REST), ...op.i32(3), ...op.i32Shl, ...op.i64ExtendI32U, ...op.i64Shl, ...op.i64(1n), ...op.i64Sub, ...op.i64And,
  ...op.i64Xor, ...op.i64(M), ...op.i64Mul, ...op.set(H),
  ...op.end,
  // h ^= h >> 47; h *= m; h ^= h >> 47; store64(0, h); return (i32) h
  ...xorShift47(H), ...op.i64(M), ...op.i64Mul, ...op.set(H),
  ...xorShift47(H), ...op.set(H),
  ...op.i32(0), ...op.get(H), ...op.i64Store,
  ...op.get(H), ...op.i32WrapI64,
  ...op.end,
];

function leb128(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return out;
}

const section = (id: number, content: number[]) => [id, ...leb128(content.length), ...content];
const name = (text: string) => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
const locals = [0x02, 0x02, 0x7e, 0x03, 0x7f]; // two groups: 2 × i64, 3 × i32
const code = [...locals, ...body];

const moduleBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f]), // type: (i32, i32) -> i32
  ...section(3, [0x01, 0x00]), // function 0 has type 0
  ...section(5, [0x01, 0x00, 0x01]), // memory: min 1 page
  ...section(7, [0x02, ...name('h'), 0x00, 0x00, ...name('m'), 0x02, 0x00]), // exports
  ...section(10, [0x01, ...leb128(code.length), ...code]),
]);

const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes));
const hashExport = instance.exports['h'] as (length: number, seed: number) => number;
const memory = instance.exports['m'] as { buffer: ArrayBuffer };
// The memory never grows, so these views stay valid.
const bytes = new Uint8Array(memory.buffer);
const resultWords = new Uint32Array(memory.buffer, 0, 2);

/** The high half of the last murmurHash64A result. */
export let hashHi = 0;

/** MurmurHash64A of `text`'s bytes (latin1): returns the low 32 bits; the high 32 are in hashHi. */
export function murmurHash64A(text: string, seed: number): number {
  const length = text.length;
  if (length > MAX_WASM_BYTES) {
    const lo = jsMurmurHash64A(text, seed);
    hashHi = jsHashHi;
    return lo;
  }
  for (let i = 0; i < length; i++) bytes[DATA_OFFSET + i] = text.charCodeAt(i);
  hashExport(length, seed);
  hashHi = resultWords[1] as number;
  return resultWords[0] as number;
}
