/** Integer arithmetic on temps (target-independent; flag-setting forms are per target). */
import type { OpState } from './core.js';

export function op_add_T0_T1(s: OpState): void { s.T0 = (s.T0 + s.T1) | 0; }
export function op_add_T0_im(s: OpState): void { s.T0 = (s.T0 + s.P1) | 0; }
export function op_add_T1_im(s: OpState): void { s.T1 = (s.T1 + s.P1) | 0; }
export function op_sub_T0_T1(s: OpState): void { s.T0 = (s.T0 - s.T1) | 0; }
/** T0 = T1 - T0 (ARM's RSB). */
export function op_rsb_T0_T1(s: OpState): void { s.T0 = (s.T1 - s.T0) | 0; }
/** T0 = P1 - T0 (RSB with an immediate, NEG when P1 is 0). */
export function op_rsb_T0_im(s: OpState): void { s.T0 = (s.P1 - s.T0) | 0; }
export function op_neg_T0(s: OpState): void { s.T0 = (0 - s.T0) | 0; }

/** 64-bit add T0:T1 += T2:T3 (low:high), for the multiply-accumulate-long instructions. */
export function op_add64_T0_T1_T2_T3(s: OpState): void {
  const lo = (s.T0 + s.T2) | 0;
  const carry = (lo >>> 0) < (s.T0 >>> 0) ? 1 : 0;
  s.T1 = (s.T1 + s.T3 + carry) | 0;
  s.T0 = lo;
}
