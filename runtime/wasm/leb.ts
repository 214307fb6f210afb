/** LEB128 encoding, as the WebAssembly binary format uses it. */

export function writeUleb(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

export function writeSleb(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** Width of a patchable 32-bit immediate: always 5 bytes, so patching is an in-place write. */
export const PADDED_LEB_BYTES = 5;

/** Write `value` as a 5-byte signed LEB128 (the hole encoding "sleb32-5"). */
export function patchSleb5(buf: Uint8Array, offset: number, value: number): void {
  const v = value | 0;
  buf[offset] = (v & 0x7f) | 0x80;
  buf[offset + 1] = ((v >> 7) & 0x7f) | 0x80;
  buf[offset + 2] = ((v >> 14) & 0x7f) | 0x80;
  buf[offset + 3] = ((v >> 21) & 0x7f) | 0x80;
  buf[offset + 4] = (v >> 28) & 0x7f;
}

export interface LebRead { value: number; next: number }

export function readUleb(buf: Uint8Array, pos: number): LebRead {
  let result = 0, shift = 0, byte: number;
  do {
    if (pos >= buf.length) throw new Error('truncated LEB128');
    byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return { value: result, next: pos };
}

/** Signed LEB128 of up to 32 bits (i32.const, block type indexes). */
export function readSleb32(buf: Uint8Array, pos: number): LebRead {
  let result = 0, shift = 0, byte: number;
  do {
    if (pos >= buf.length) throw new Error('truncated LEB128');
    byte = buf[pos++];
    if (shift < 32) result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 32 && (byte & 0x40)) result |= -1 << shift;
  return { value: result | 0, next: pos };
}

/** Signed LEB128 of up to 64 bits, returned as a bigint (i64.const). */
export function readSleb64(buf: Uint8Array, pos: number): { value: bigint; next: number } {
  let result = 0n, shift = 0n, byte: number;
  do {
    if (pos >= buf.length) throw new Error('truncated LEB128');
    byte = buf[pos++];
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  } while (byte & 0x80);
  if (shift < 64n && (byte & 0x40)) result |= -1n << shift;
  return { value: BigInt.asIntN(64, result), next: pos };
}
