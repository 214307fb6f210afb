/**
 * ARM data processing that sets N, Z, C and V. Flags live QEMU-style in one word each
 * (ops/arm/state.ts): N = NF bit 31, Z = (ZF == 0), C = CF, V = VF bit 31. CMP/CMN/TST/TEQ
 * are these ops with the result left unused; RSB/RSC swap T0 and T1 first.
 */
import type { OpState } from '../core.js';
import { CF, NF, VF, ZF } from './state.js';

/** N and Z from T0 (logical operations; C comes from the shifter, V is unchanged). */
export function op_logic_T0_cc(s: OpState): void {
  s.env[NF] = s.T0;
  s.env[ZF] = s.T0;
}

export function op_add_T0_T1_cc(s: OpState): void {
  const a = s.T0, b = s.T1;
  const r = (a + b) | 0;
  s.env[NF] = r;
  s.env[ZF] = r;
  s.env[CF] = (r >>> 0) < (a >>> 0) ? 1 : 0;
  s.env[VF] = (a ^ r) & ~(a ^ b);
  s.T0 = r;
}

/** T0 = T0 + T1 + C. */
export function op_adc_T0_T1_cc(s: OpState): void {
  const a = s.T0, b = s.T1;
  const carryIn = s.env[CF] !== 0;
  const r = (a + b + (carryIn ? 1 : 0)) | 0;
  s.env[NF] = r;
  s.env[ZF] = r;
  s.env[CF] = (carryIn ? (r >>> 0) <= (a >>> 0) : (r >>> 0) < (a >>> 0)) ? 1 : 0;
  s.env[VF] = (a ^ r) & ~(a ^ b);
  s.T0 = r;
}

/** T0 = T0 - T1; C = NOT borrow. */
export function op_sub_T0_T1_cc(s: OpState): void {
  const a = s.T0, b = s.T1;
  const r = (a - b) | 0;
  s.env[NF] = r;
  s.env[ZF] = r;
  s.env[CF] = (a >>> 0) >= (b >>> 0) ? 1 : 0;
  s.env[VF] = (a ^ b) & (a ^ r);
  s.T0 = r;
}

/** T0 = T0 - T1 - NOT C. */
export function op_sbc_T0_T1_cc(s: OpState): void {
  const a = s.T0, b = s.T1;
  const carryIn = s.env[CF] !== 0;
  const r = (a - b - (carryIn ? 0 : 1)) | 0;
  s.env[NF] = r;
  s.env[ZF] = r;
  s.env[CF] = (carryIn ? (a >>> 0) >= (b >>> 0) : (a >>> 0) > (b >>> 0)) ? 1 : 0;
  s.env[VF] = (a ^ b) & (a ^ r);
  s.T0 = r;
}

/** T0 = T0 + T1 + C without flags. */
export function op_adc_T0_T1(s: OpState): void {
  s.T0 = (s.T0 + s.T1 + (s.env[CF] !== 0 ? 1 : 0)) | 0;
}

/** T0 = T0 - T1 - NOT C without flags (RSC swaps the operands first). */
export function op_sbc_T0_T1(s: OpState): void {
  s.T0 = (s.T0 - s.T1 - (s.env[CF] !== 0 ? 0 : 1)) | 0;
}
