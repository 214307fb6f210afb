/**
 * The x87 FPU's micro-ops: each instruction is one call of an out-of-line helper (fpu.ts), which
 * works on the FPU's env words only, so the block's register locals stay live around it.
 */
import type { OpState } from '../core.js';
import { FPCS, FPDP, FPDS, FPIP, helper_fcomi, helper_fnstsw, helper_fpu } from './fpu.js';
import { EIP, EXCEPTION, ICOUNT, SEG_BASE, SEG_CS, SEG_SEL } from './state.js';

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
/** Record the x87 instruction at P1 as the last one (fnstenv's FIP and FCS). */
export function op_fpu_ip(s: OpState): void {
  s.env[FPIP] = s.P1;
  s.env[FPCS] = s.env[SEG_SEL + SEG_CS] & 0xffff;
}
/**
 * Record the last x87 memory operand (FDP, FDS): its offset, A0 less the base of segment `seg`
 * when P1 says A0 holds it (an override), and the segment's selector. @expand seg 0..5
 */
export function op_fpu_dp_A0_seg$(s: OpState, seg: number): void {
  s.env[FPDP] = s.P1 !== 0 ? (s.T3 - s.env[SEG_BASE + seg]) | 0 : s.T3;
  s.env[FPDS] = s.env[SEG_SEL + seg] & 0xffff;
}
