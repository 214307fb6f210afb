/** Multiplies: 32-bit result, and 64-bit results as a low:high pair of temps. */
import { mulhs, mulhu, type OpState } from './core.js';

/** T0 = low 32 bits of T0 * T1 (MUL; MLA adds with add_T0_T1). */
export function op_mul_T0_T1(s: OpState): void { s.T0 = Math.imul(s.T0, s.T1); }

/** T0:T1 = T0 * T1 unsigned, low in T0, high in T1 (UMULL). */
export function op_mulu64_T0_T1(s: OpState): void {
  const hi = mulhu(s.T0, s.T1);
  s.T0 = Math.imul(s.T0, s.T1);
  s.T1 = hi;
}

/** T0:T1 = T0 * T1 signed, low in T0, high in T1 (SMULL). */
export function op_muls64_T0_T1(s: OpState): void {
  const hi = mulhs(s.T0, s.T1);
  s.T0 = Math.imul(s.T0, s.T1);
  s.T1 = hi;
}

/** T0 = high 32 bits of the signed product T0 * T1 (SMULWy: T1 holds the halfword << 16). */
export function op_mulhs_T0_T1(s: OpState): void { s.T0 = mulhs(s.T0, s.T1); }
