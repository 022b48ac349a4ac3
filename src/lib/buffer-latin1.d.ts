// Node's Buffer has fast latin1 codecs that @types/node does not declare (they back
// buf.write(s, 'latin1') and buf.toString('latin1') without the argument checks). The RESP hot
// path uses them; src/lib/buffer-latin1.test.ts pins their behaviour.
declare module 'buffer' {
  interface Buffer {
    latin1Write(text: string, offset?: number, length?: number): number;
    latin1Slice(start?: number, end?: number): string;
  }
}
export {};
