/** Moves between ARM guest registers (env) and temps, one op per register. */
import type { OpState } from '../core.js';
import { PC, R0 } from './state.js';

/** @expand reg 0..15 */
export function op_movl_T0_r(s: OpState, reg: number): void {
  s.T0 = s.env[R0 + reg];
}

/** @expand reg 0..15 */
export function op_movl_r_T0(s: OpState, reg: number): void {
  s.env[R0 + reg] = s.T0;
}

export function op_exit_tb_if_T0(s: OpState): void {
  if (s.T0 !== 0) {
    s.env[PC] = s.P1;
    s.exit_tb();
    return;
  }
  s.env[PC] = (s.P1 + 4) | 0;
}
