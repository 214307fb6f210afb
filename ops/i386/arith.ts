/** i386 arithmetic on temps beyond the common ops (ops/*.ts): carries, extensions, multiplies, bits. */
import type { OpState } from '../core.js';
import { CC_DST, CC_OP, CC_SRC } from './state.js';

/** adc: T0 = T0 + T1 + T2 (T2 the carry in). */
export function op_adc_T0_T1_T2(s: OpState): void { s.T0 = (s.T0 + s.T1 + s.T2) | 0; }
/** sbb: T0 = T0 - T1 - T2. */
export function op_sbb_T0_T1_T2(s: OpState): void { s.T0 = (s.T0 - s.T1 - s.T2) | 0; }

export function op_uxtb_T1(s: OpState): void { s.T1 = s.T1 & 0xff; }
export function op_uxth_T1(s: OpState): void { s.T1 = s.T1 & 0xffff; }
export function op_sxtb_T1(s: OpState): void { s.T1 = (s.T1 << 24) >> 24; }
export function op_mov_T1_T3(s: OpState): void { s.T1 = s.T3; }
export function op_mov_T3_T1(s: OpState): void { s.T3 = s.T1; }
export function op_mov_T2_T3(s: OpState): void { s.T2 = s.T3; }
export function op_mov_T3_T2(s: OpState): void { s.T3 = s.T2; }
export function op_swap_T0_T2(s: OpState): void { const t = s.T0; s.T0 = s.T2; s.T2 = t; }
export function op_add_T1_T2(s: OpState): void { s.T1 = (s.T1 + s.T2) | 0; }
export function op_add_T3_T2(s: OpState): void { s.T3 = (s.T3 + s.T2) | 0; }
export function op_and_T1_im(s: OpState): void { s.T1 = s.T1 & s.P1; }
export function op_movl_T2_0(s: OpState): void { s.T2 = 0; }

/** imul overflow of a 32-bit product (T0 low, T1 high): T1 = non-zero if the high word is not the sign of the low. */
export function op_imul_ovf_l_T1(s: OpState): void { s.T1 = (s.T1 - (s.T0 >> 31)) | 0; }
/** imul overflow of a product that fits 32 bits: T1 = T0 minus its sign-extended low byte / halfword. */
export function op_imul_ovf_b_T1(s: OpState): void { s.T1 = (s.T0 - ((s.T0 << 24) >> 24)) | 0; }
export function op_imul_ovf_w_T1(s: OpState): void { s.T1 = (s.T0 - ((s.T0 << 16) >> 16)) | 0; }

/**
 * Shifts that record their flags when the (masked) count in T1 is not 0: T0 shifted, CC_SRC
 * the value shifted one place less (state.ts). P1 = CC_OP. shl; shr (T0 zero-extended to its
 * size); sar (T0 sign-extended). A count of 0 leaves T0 and the flags as they were.
 */
export function op_shl_T0_T1_cc(s: OpState): void {
  const c = s.T1 & 31;
  if (c !== 0) {
    const t = s.T0 << (c - 1);
    s.T0 = t << 1;
    s.env[CC_SRC] = t;
    s.env[CC_DST] = s.T0;
    s.env[CC_OP] = s.P1;
  }
}
export function op_shr_T0_T1_cc(s: OpState): void {
  const c = s.T1 & 31;
  if (c !== 0) {
    const t = (s.T0 >>> (c - 1)) | 0;
    s.T0 = (t >>> 1) | 0;
    s.env[CC_SRC] = t;
    s.env[CC_DST] = s.T0;
    s.env[CC_OP] = s.P1;
  }
}
export function op_sar_T0_T1_cc(s: OpState): void {
  const c = s.T1 & 31;
  if (c !== 0) {
    const t = s.T0 >> (c - 1);
    s.T0 = t >> 1;
    s.env[CC_SRC] = t;
    s.env[CC_DST] = s.T0;
    s.env[CC_OP] = s.P1;
  }
}

/**
 * bsf (P1 0) / bsr (P1 1) of T0 (the source, zero-extended), T1 the destination's old value:
 * T0 = the bit index, or T1 when the source is 0 (the destination is left as it was, as QEMU
 * and AMD do). T3 = the source, for ZF.
 */
export function op_bsx_T0(s: OpState): void {
  s.T3 = s.T0;
  if (s.T0 === 0) s.T0 = s.T1;
  else if (s.P1 === 0) s.T0 = (31 - Math.clz32(s.T0 & -s.T0)) | 0;
  else s.T0 = (31 - Math.clz32(s.T0)) | 0;
}

/** bt family on T0 with the bit index T1 (already masked): T2 = the bit; P1: 0 bt, 1 bts, 2 btr, 3 btc. */
export function op_bt_T0_T1(s: OpState): void {
  const m = 1 << (s.T1 & 31);
  s.T2 = (s.T0 & m) !== 0 ? 1 : 0;
  if (s.P1 === 1) s.T0 = s.T0 | m;
  else if (s.P1 === 2) s.T0 = s.T0 & ~m;
  else if (s.P1 === 3) s.T0 = s.T0 ^ m;
}
/** bt with a memory operand and a register bit offset T1: A0 += (T1 >> P1) << P2 (P1 = log2 bits, P2 = log2 bytes). */
export function op_bt_addr_A0_T1(s: OpState): void { s.T3 = (s.T3 + ((s.T1 >> s.P1) << s.P2)) | 0; }

/**
 * cmpxchg: T0 the destination, T1 the source, T2 EAX; P1 the size mask. Afterwards T0 is what
 * is written back (the source if the destination equalled EAX, else the destination itself)
 * and T1 the old destination. T3, the address, is left alone.
 */
export function op_cmpxchg_T0_T1_T2(s: OpState): void {
  const old = s.T0;
  if (((s.T0 ^ s.T2) & s.P1) === 0) s.T0 = s.T1;
  s.T1 = old;
}
