/**
 * CRC16-CCITT (XMODEM: poly 0x1021, init 0), the checksum Redis Cluster uses for hash slots.
 * Keys are latin1 strings (one char = one byte), so charCodeAt gives the byte.
 */
const table = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  table[i] = crc;
}

export function crc16(bytes: string, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ (table[((crc >> 8) ^ bytes.charCodeAt(i)) & 0xff] as number);
  }
  return crc;
}
