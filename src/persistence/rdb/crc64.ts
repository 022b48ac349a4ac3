/**
 * Redis's CRC-64 (src/crc64.c: "Jones" polynomial 0xad93d23594c935a9, reflected in and out,
 * initial value 0, no final xor; crc64(0, "123456789") = 0xe9c6d914c4b8d9ca). It closes every
 * RDB file and DUMP payload.
 *
 * Speed: slicing-by-8 over 32-bit halves (Uint32Array tables), so the hot loop never touches a
 * BigInt; a bigint appears only at the API boundary.
 */

/** The reflected polynomial, as two 32-bit halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const TABLES = 8;
const TABLE_HI = new Uint32Array(256 * TABLES);
const TABLE_LO = new Uint32Array(256 * TABLES);

function buildTables(): void {
  for (let b = 0; b < 256; b++) {
    let hi = 0;
    let lo = b;
    for (let bit = 0; bit < 8; bit++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi >>>= 1;
      if (carry !== 0) {
        hi = (hi ^ POLY_HI) >>> 0;
        lo = (lo ^ POLY_LO) >>> 0;
      }
    }
    TABLE_HI[b] = hi;
    TABLE_LO[b] = lo;
  }
  for (let t = 1; t < TABLES; t++) {
    for (let b = 0; b < 256; b++) {
      const prevHi = TABLE_HI[(t - 1) * 256 + b] as number;
      const prevLo = TABLE_LO[(t - 1) * 256 + b] as number;
      const index = prevLo & 0xff;
      TABLE_HI[t * 256 + b] = ((prevHi >>> 8) ^ (TABLE_HI[index] as number)) >>> 0;
      TABLE_LO[t * 256 + b] = (((prevLo >>> 8) | (prevHi << 24)) ^ (TABLE_LO[index] as number)) >>> 0;
    }
  }
}
buildTables();

/** The running state of one CRC as two unsigned 32-bit halves. */
interface Halves {
  hi: number;
  lo: number;
}

function updateHalves(state: Halves, buf: Uint8Array): void {
  let hi = state.hi;
  let lo = state.lo;
  const len = buf.length;
  let i = 0;
  const T_HI = TABLE_HI;
  const T_LO = TABLE_LO;
  for (const blocks = len - (len & 7); i < blocks; i += 8) {
    lo ^= (buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24);
    hi ^= (buf[i + 4] as number) | ((buf[i + 5] as number) << 8) | ((buf[i + 6] as number) << 16) | ((buf[i + 7] as number) << 24);
    const a = 7 * 256 + (lo & 0xff);
    const b = 6 * 256 + ((lo >>> 8) & 0xff);
    const c = 5 * 256 + ((lo >>> 16) & 0xff);
    const d = 4 * 256 + (lo >>> 24);
    const e = 3 * 256 + (hi & 0xff);
    const f = 2 * 256 + ((hi >>> 8) & 0xff);
    const g = 256 + ((hi >>> 16) & 0xff);
    const h = hi >>> 24;
    lo =
      (T_LO[a] as number) ^
      (T_LO[b] as number) ^
      (T_LO[c] as number) ^
      (T_LO[d] as number) ^
      (T_LO[e] as number) ^
      (T_LO[f] as number) ^
      (T_LO[g] as number) ^
      (T_LO[h] as number);
    hi =
      (T_HI[a] as number) ^
      (T_HI[b] as number) ^
      (T_HI[c] as number) ^
      (T_HI[d] as number) ^
      (T_HI[e] as number) ^
      (T_HI[f] as number) ^
      (T_HI[g] as number) ^
      (T_HI[h] as number);
  }
  for (; i < len; i++) {
    const index = (lo ^ (buf[i] as number)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ (T_LO[index] as number);
    hi = (hi >>> 8) ^ (T_HI[index] as number);
  }
  state.hi = hi >>> 0;
  state.lo = lo >>> 0;
}

function toBigInt(state: Halves): bigint {
  return (BigInt(state.hi) << 32n) | BigInt(state.lo);
}

function fromBigInt(crc: bigint): Halves {
  const value = BigInt.asUintN(64, crc);
  return { hi: Number(value >> 32n), lo: Number(value & 0xffffffffn) };
}

/** Redis's crc64(crc, buf, len). */
export function crc64(buf: Uint8Array, crc = 0n): bigint {
  const state = crc === 0n ? { hi: 0, lo: 0 } : fromBigInt(crc);
  updateHalves(state, buf);
  return toBigInt(state);
}

/** An incremental CRC-64 (a file written piece by piece). */
export class Crc64 {
  #state: Halves = { hi: 0, lo: 0 };

  update(buf: Uint8Array): this {
    updateHalves(this.#state, buf);
    return this;
  }

  digest(): bigint {
    return toBigInt(this.#state);
  }

  /** The 8 bytes Redis writes after EOF (and at the end of a DUMP payload): little-endian. */
  digestBytesLE(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.#state.lo, 0);
    out.writeUInt32LE(this.#state.hi, 4);
    return out;
  }
}
