/**
 * Shifts, rotates and bit manipulation on temps with plain 32-bit semantics: counts are taken
 * mod 32, as JavaScript and WebAssembly both do. ARM's register-specified shifts, which treat
 * counts of 32 and more differently, are in ops/arm/shifter.ts.
 */
import type { OpState } from './core.js';

export function op_shl_T0_im(s: OpState): void { s.T0 = s.T0 << s.P1; }
export function op_shr_T0_im(s: OpState): void { s.T0 = (s.T0 >>> s.P1) | 0; }
export function op_sar_T0_im(s: OpState): void { s.T0 = s.T0 >> s.P1; }
export function op_ror_T0_im(s: OpState): void { s.T0 = (s.T0 >>> s.P1) | (s.T0 << (32 - s.P1)); }
export function op_shl_T1_im(s: OpState): void { s.T1 = s.T1 << s.P1; }
export function op_shr_T1_im(s: OpState): void { s.T1 = (s.T1 >>> s.P1) | 0; }
export function op_sar_T1_im(s: OpState): void { s.T1 = s.T1 >> s.P1; }
export function op_ror_T1_im(s: OpState): void { s.T1 = (s.T1 >>> s.P1) | (s.T1 << (32 - s.P1)); }
export function op_shl_T0_T1(s: OpState): void { s.T0 = s.T0 << s.T1; }
export function op_shr_T0_T1(s: OpState): void { s.T0 = (s.T0 >>> s.T1) | 0; }
export function op_sar_T0_T1(s: OpState): void { s.T0 = s.T0 >> s.T1; }
export function op_ror_T0_T1(s: OpState): void { s.T0 = (s.T0 >>> s.T1) | (s.T0 << (32 - s.T1)); }

/** Count leading zeros (ARM's CLZ: 32 for 0). */
export function op_clz_T0(s: OpState): void { s.T0 = Math.clz32(s.T0); }
/** Sign- and zero-extension of the low byte/halfword. */
export function op_sxtb_T0(s: OpState): void { s.T0 = (s.T0 << 24) >> 24; }
export function op_sxth_T0(s: OpState): void { s.T0 = (s.T0 << 16) >> 16; }
export function op_uxtb_T0(s: OpState): void { s.T0 = s.T0 & 0xff; }
export function op_uxth_T0(s: OpState): void { s.T0 = s.T0 & 0xffff; }
export function op_sxth_T1(s: OpState): void { s.T1 = (s.T1 << 16) >> 16; }
/** Byte-reverse a word (big-endian data, ARM's REV). */
export function op_bswap_T0(s: OpState): void {
  const x = s.T0;
  s.T0 = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}
