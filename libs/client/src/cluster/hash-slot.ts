/**
 * Hash slots as Redis Cluster computes them: CRC16 (XMODEM) of the key, or of its hash tag (the text between the
 * first `{` and the first `}` after it, when not empty), modulo 16384.
 *
 * Written here rather than taken from `cluster-key-slot`, which hashes `foo{}{bar}` by `{bar` where Redis hashes the
 * whole key (an empty first tag means "no tag"), so such keys would be sent to the wrong node.
 */

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

/**
 * Hash slot of a string key. For an ASCII key (or tag) the checksum runs straight over the characters, which equal
 * its UTF-8 bytes, so no byte array is built per key; other text is encoded to UTF-8 first.
 */
export function slotOfString(key: string): number {
  let start = 0;
  let end = key.length;
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return slotOfBytes(Buffer.from(key, 'utf8'));
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ code) & 0xff]!;
  }
  return crc & 0x3fff;
}

/** Hash slot of a binary key. */
export function slotOfBytes(key: Uint8Array): number {
  let start = 0;
  let end = key.length;
  const open = key.indexOf(OPEN);
  if (open !== -1) {
    const close = key.indexOf(CLOSE, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ key[i]!) & 0xff]!;
  return crc & 0x3fff;
}
