/**
 * The x87 FPU's micro-ops: each instruction is one call of an out-of-line helper (fpu.ts), which
 * works on the FPU's env words only, so the block's register locals stay live around it.
 */
import type { OpState } from '../core.js';
import { helper_fcomi, helper_fnstsw, helper_fpu } from './fpu.js';
import { EIP, EXCEPTION, ICOUNT } from './state.js';

/** x87 operation P1 with the memory operand at A0; P2 eip, P3 retired: a fault leaves the block. */
export function op_fpu_A0(s: OpState): void {
  helper_fpu(s, s.P1, s.T3);
  if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P2; s.env[ICOUNT] = (s.env[ICOUNT] + s.P3) | 0; s.exit_tb(); return; }
}
/** x87 operation P1 without a memory operand. */
export function op_fpu(s: OpState): void { helper_fpu(s, s.P1, 0); }
/** T0 = ZF PF CF of fcomi/fucomi(p) (P1 as helper_fcomi). */
export function op_fcomi_T0(s: OpState): void { s.T0 = helper_fcomi(s, s.P1); }
/** T0 = the FPU status word. */
export function op_fnstsw_T0(s: OpState): void { s.T0 = helper_fnstsw(s); }
