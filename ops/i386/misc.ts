/** i386 instructions done by helpers: divide, rotates, double shifts, cpuid, rdtsc, segments. */
import type { OpState } from '../core.js';
import { helper_cmpxchg8b, helper_cpuid, helper_div, helper_load_seg, helper_rdtsc, helper_rotate, helper_shxd } from './helpers.js';
import { EXCEPTION, SEG_SEL } from './state.js';

/** div/idiv by T0; P1 the kind (helper_div), P2 eip, P3 retired: a divide error leaves the block. */
export function op_div_T0(s: OpState): void {
  helper_div(s, s.P1, s.T0, s.P2, s.P3);
  if (s.env[EXCEPTION] !== 0) { s.exit_tb(); return; }
}

/** T0 = T0 rotated by T1 (P1 = kind << 2 | size, helper_rotate). */
export function op_rotate_T0_T1(s: OpState): void { s.T0 = helper_rotate(s, s.P1, s.T0, s.T1); }
/** T0 = shld/shrd of T0 with T1 by T2 (P1 as helper_shxd). */
export function op_shxd_T0_T1_T2(s: OpState): void { s.T0 = helper_shxd(s, s.P1, s.T0, s.T1, s.T2); }

export function op_cpuid(s: OpState): void { helper_cpuid(s); }
export function op_rdtsc(s: OpState): void { helper_rdtsc(s); }

/** cmpxchg8b at A0; P1 eip, P2 retired. */
export function op_cmpxchg8b_A0(s: OpState): void {
  helper_cmpxchg8b(s, s.T3, s.P1, s.P2);
  if (s.env[EXCEPTION] !== 0) { s.exit_tb(); return; }
}

/** mov T0 to segment register `seg`; P1 eip, P2 retired (a bad selector faults). @expand seg 0..5 */
export function op_movl_seg$_T0(s: OpState, seg: number): void {
  helper_load_seg(s, seg, s.T0, s.P1, s.P2);
  if (s.env[EXCEPTION] !== 0) { s.exit_tb(); return; }
}
/** T0 = the selector of segment register `seg`. @expand seg 0..5 */
export function op_movl_T0_seg$(s: OpState, seg: number): void { s.T0 = s.env[SEG_SEL + seg] & 0xffff; }
