/**
 * The few host services the system emulator's core needs that Node and a browser (a Web Worker)
 * spell differently: a monotonic nanosecond clock and Latin-1 strings. Everything under
 * boards/ and runtime/ that the browser bundle (web/) reaches uses these instead of `process`
 * and `Buffer`, and imports nothing from `node:`; the Node-only parts (semihosting's host
 * files, the CLIs, the logger's files) are given to it from outside.
 */

/** Nanoseconds on a monotonic clock: `process.hrtime` under Node, `performance.now()` elsewhere. */
export const monotonicNs: () => bigint = typeof process !== 'undefined' && typeof process.hrtime?.bigint === 'function'
  ? () => process.hrtime.bigint()
  : () => BigInt(Math.round(performance.now() * 1e6));

/** Bytes to a string, one character per byte (Node's 'latin1'; TextDecoder's 'latin1' is windows-1252). */
export function latin1String(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return s;
}

/** A string to bytes, the low byte of each UTF-16 unit (Node's Buffer.from(s, 'latin1')). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
