/** i386 instructions done by helpers: divide, rotates, double shifts, cpuid, rdtsc, segments. */
import type { OpState } from '../core.js';
import {
  helper_arpl, helper_bcd, helper_bound, helper_check_cs, helper_cmpxchg8b, helper_cpuid, helper_div, helper_load_seg, helper_rdtsc, helper_rotate,
  helper_shxd, helper_into, helper_desc,
} from './helpers.js';
import { EXCEPTION, SEG_CS, SEG_SEL } from './state.js';

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

/** daa das aaa aas aam aad: P1 the kind (helper_bcd), P2 aam's or aad's base. */
export function op_bcd(s: OpState): void { helper_bcd(s, s.P1, s.P2); }

/** arpl: T0 = T0 with the RPL of T1 if that is higher (ZF says whether it was). */
export function op_arpl_T0_T1(s: OpState): void { s.T0 = helper_arpl(s, s.T0, s.T1); }

/** bound: T0 the index, T1 and T2 the bounds; P1 the size, P2 eip, P3 retired. */
export function op_bound_T0_T1_T2(s: OpState): void {
  helper_bound(s, s.P1, s.T0, s.T1, s.T2, s.P2, s.P3);
  if (s.env[EXCEPTION] !== 0) { s.exit_tb(); return; }
}

/** into: a trap (SIGSEGV at user level, eip past it: P1) when OF is set; P2 the retired count after it. */
export function op_into(s: OpState): void {
  helper_into(s, s.P1, s.P2);
  if (s.env[EXCEPTION] !== 0) { s.exit_tb(); return; }
}

/** A far transfer's code selector in T1 is checked (P1: 1 for a return); P2 eip, P3 retired. */
export function op_check_cs_T1(s: OpState): void {
  helper_check_cs(s, s.T1, s.P1, s.P2, s.P3);
  if (s.env[EXCEPTION] !== 0) { s.exit_tb(); return; }
}
/** cs = the checked selector in T1, with the current privilege level (3) as its RPL. */
export function op_load_cs_T1(s: OpState): void { s.env[SEG_SEL + SEG_CS] = (s.T1 & 0xfffc) | 3; }

/** lar lsl verr verw of the selector in T0 (P1 the kind, helper_desc): T0 = the value, ZF set when it is valid. */
export function op_desc_T0(s: OpState): void { s.T0 = helper_desc(s, s.P1, s.T0); }
