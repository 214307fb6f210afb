/** Integer arithmetic on temps (target-independent). */
import type { OpState } from './core.js';

export function op_add_T0_T1(s: OpState): void {
  s.T0 = (s.T0 + s.T1) | 0;
}

export function op_add_T0_im(s: OpState): void {
  s.T0 = (s.T0 + s.P1) | 0;
}

export function op_sub_T0_T1(s: OpState): void {
  s.T0 = (s.T0 - s.T1) | 0;
}
