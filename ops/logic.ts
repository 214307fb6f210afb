/** Bitwise logic on temps (target-independent). */
import type { OpState } from './core.js';

export function op_and_T0_T1(s: OpState): void { s.T0 = s.T0 & s.T1; }
export function op_orr_T0_T1(s: OpState): void { s.T0 = s.T0 | s.T1; }
export function op_eor_T0_T1(s: OpState): void { s.T0 = s.T0 ^ s.T1; }
/** T0 = T0 & ~T1 (ARM's BIC). */
export function op_bic_T0_T1(s: OpState): void { s.T0 = s.T0 & ~s.T1; }
export function op_and_T0_im(s: OpState): void { s.T0 = s.T0 & s.P1; }
export function op_orr_T0_im(s: OpState): void { s.T0 = s.T0 | s.P1; }
export function op_eor_T0_im(s: OpState): void { s.T0 = s.T0 ^ s.P1; }
export function op_bic_T0_im(s: OpState): void { s.T0 = s.T0 & ~s.P1; }
/** T0 = ~T0 (ARM's MVN). */
export function op_not_T0(s: OpState): void { s.T0 = ~s.T0; }
/** T1 = ~T1, for operand 2 of MVN. */
export function op_not_T1(s: OpState): void { s.T1 = ~s.T1; }
