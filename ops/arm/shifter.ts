/**
 * ARM's barrel shifter on operand 2 (T1). The _cc forms also set C to the shifter carry-out,
 * for flag-setting logical instructions. By immediate the amount is P1 as the front-end
 * decoded it (LSR/ASR #32 passed as 32, RRX separate); by register it is the low byte of T2,
 * where amounts of 32 and more have their own results (ARM ARM A5.1).
 */
import type { OpState } from '../core.js';
import { CF } from './state.js';

/** LSL #n, n in 1..31. */
export function op_shl_T1_im_cc(s: OpState): void {
  const n = s.P1 & 31;
  if (n !== 0) {
    s.env[CF] = (s.T1 >>> (32 - n)) & 1;
    s.T1 = s.T1 << n;
  }
}

/** LSR #n, n in 1..32. */
export function op_shr_T1_im_cc(s: OpState): void {
  const n = s.P1;
  if (n >= 32) {
    s.env[CF] = (s.T1 >>> 31) & 1;
    s.T1 = 0;
  } else if (n > 0) {
    s.env[CF] = (s.T1 >>> (n - 1)) & 1;
    s.T1 = (s.T1 >>> n) | 0;
  }
}

/** ASR #n, n in 1..32. */
export function op_sar_T1_im_cc(s: OpState): void {
  const n = s.P1;
  if (n >= 32) {
    s.env[CF] = (s.T1 >>> 31) & 1;
    s.T1 = s.T1 >> 31;
  } else if (n > 0) {
    s.env[CF] = (s.T1 >> (n - 1)) & 1;
    s.T1 = s.T1 >> n;
  }
}

/** ROR #n, n in 1..31. */
export function op_ror_T1_im_cc(s: OpState): void {
  const n = s.P1 & 31;
  if (n !== 0) {
    s.env[CF] = (s.T1 >>> (n - 1)) & 1;
    s.T1 = (s.T1 >>> n) | (s.T1 << (32 - n));
  }
}

/** RRX: rotate right by one through C. */
export function op_rrx_T1_cc(s: OpState): void {
  const out = s.T1 & 1;
  s.T1 = (s.T1 >>> 1) | (s.env[CF] << 31);
  s.env[CF] = out;
}

/** RRX without setting C. */
export function op_rrx_T1(s: OpState): void {
  s.T1 = (s.T1 >>> 1) | (s.env[CF] << 31);
}

/** LSL by register without flags: 0 for amounts of 32 and more. */
export function op_shl_T1_T2(s: OpState): void {
  const n = s.T2 & 0xff;
  s.T1 = n >= 32 ? 0 : s.T1 << n;
}

/** LSR by register without flags. */
export function op_shr_T1_T2(s: OpState): void {
  const n = s.T2 & 0xff;
  s.T1 = n >= 32 ? 0 : (s.T1 >>> n) | 0;
}

/** ASR by register without flags: sign fill for 32 and more. */
export function op_sar_T1_T2(s: OpState): void {
  const n = s.T2 & 0xff;
  s.T1 = s.T1 >> (n >= 32 ? 31 : n);
}

/** ROR by register without flags (the amount is taken mod 32). */
export function op_ror_T1_T2(s: OpState): void {
  const n = s.T2 & 31;
  s.T1 = (s.T1 >>> n) | (s.T1 << (32 - n));
}

/** LSL by register, setting the carry-out. */
export function op_shl_T1_T2_cc(s: OpState): void {
  const n = s.T2 & 0xff;
  if (n === 0) return;
  if (n < 32) {
    s.env[CF] = (s.T1 >>> (32 - n)) & 1;
    s.T1 = s.T1 << n;
  } else {
    s.env[CF] = n === 32 ? s.T1 & 1 : 0;
    s.T1 = 0;
  }
}

/** LSR by register, setting the carry-out. */
export function op_shr_T1_T2_cc(s: OpState): void {
  const n = s.T2 & 0xff;
  if (n === 0) return;
  if (n < 32) {
    s.env[CF] = (s.T1 >>> (n - 1)) & 1;
    s.T1 = (s.T1 >>> n) | 0;
  } else {
    s.env[CF] = n === 32 ? (s.T1 >>> 31) & 1 : 0;
    s.T1 = 0;
  }
}

/** ASR by register, setting the carry-out. */
export function op_sar_T1_T2_cc(s: OpState): void {
  const n = s.T2 & 0xff;
  if (n === 0) return;
  const k = n >= 32 ? 32 : n;
  s.env[CF] = (s.T1 >> (k - 1)) & 1;
  s.T1 = s.T1 >> (k >= 32 ? 31 : k);
}

/** ROR by register, setting the carry-out (a multiple of 32 leaves T1 and takes C from bit 31). */
export function op_ror_T1_T2_cc(s: OpState): void {
  const n = s.T2 & 0xff;
  if (n === 0) return;
  const m = n & 31;
  s.env[CF] = (s.T1 >>> ((m - 1) & 31)) & 1;
  s.T1 = (s.T1 >>> m) | (s.T1 << (32 - m));
}
