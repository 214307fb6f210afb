/** Moves between temps and of immediates into temps (target-independent). */
import type { OpState } from './core.js';

export function op_movl_T0_im(s: OpState): void { s.T0 = s.P1; }
export function op_movl_T1_im(s: OpState): void { s.T1 = s.P1; }
export function op_movl_T2_im(s: OpState): void { s.T2 = s.P1; }
export function op_movl_T3_im(s: OpState): void { s.T3 = s.P1; }

export function op_mov_T0_T1(s: OpState): void { s.T0 = s.T1; }
export function op_mov_T1_T0(s: OpState): void { s.T1 = s.T0; }
export function op_mov_T0_T2(s: OpState): void { s.T0 = s.T2; }
export function op_mov_T2_T0(s: OpState): void { s.T2 = s.T0; }
export function op_mov_T1_T2(s: OpState): void { s.T1 = s.T2; }
export function op_mov_T2_T1(s: OpState): void { s.T2 = s.T1; }
export function op_mov_T3_T0(s: OpState): void { s.T3 = s.T0; }
export function op_mov_T0_T3(s: OpState): void { s.T0 = s.T3; }

/** Exchange T0 and T1 (reverse-subtract forms reuse the subtract ops). */
export function op_swap_T0_T1(s: OpState): void {
  const t = s.T0;
  s.T0 = s.T1;
  s.T1 = t;
}
