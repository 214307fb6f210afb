/**
 * Guest memory through the page-flag table (ops/core.ts): the fast path is one byte load of
 * the page's flags and the access itself; devices, unmapped pages and pages holding
 * translated code take the slow path, a helper that may raise a data abort. Loads set T0 from
 * [T1]; stores write T0 to [T1]. P1 is the instruction's pc and P2 the instructions the block
 * retired before it: on a fault the op leaves the CPU exactly at the faulting instruction (the
 * op, not the helper, writes pc and the count, which blocks keep in locals).
 * Halfword and word addresses are aligned down, and a word load rotates the aligned word by
 * the address's low bits (ARMv5, ARM ARM A4.1.23), so no access crosses a page.
 */
import { PAGE_FLAGS_BASE, PAGE_SHIFT, PAGE_SLOW_READ, PAGE_SLOW_WRITE, type OpState } from '../core.js';
import { helper_ld, helper_st } from './helpers.js';
import { EXCEPTION, ICOUNT, PC } from './state.js';

export function op_ldub_T0_T1_mmu(s: OpState): void {
  const a = s.T1;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_READ) === 0) s.T0 = s.ldub(a);
  else {
    s.T0 = helper_ld(s, a, 1);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_ldsb_T0_T1_mmu(s: OpState): void {
  const a = s.T1;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_READ) === 0) s.T0 = s.ldsb(a);
  else {
    s.T0 = (helper_ld(s, a, 1) << 24) >> 24;
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_lduw_T0_T1_mmu(s: OpState): void {
  const a = s.T1 & ~1;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_READ) === 0) s.T0 = s.lduw(a);
  else {
    s.T0 = helper_ld(s, a, 2) & 0xffff;
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_ldsw_T0_T1_mmu(s: OpState): void {
  const a = s.T1 & ~1;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_READ) === 0) s.T0 = s.ldsw(a);
  else {
    s.T0 = (helper_ld(s, a, 2) << 16) >> 16;
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/** LDR, SWP: the aligned word rotated right by 8 × (address & 3). */
export function op_ldl_T0_T1_mmu(s: OpState): void {
  const a = s.T1 & ~3, r = (s.T1 & 3) << 3;
  let w = 0;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_READ) === 0) w = s.ldl(a);
  else {
    w = helper_ld(s, a, 4);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
  s.T0 = (w >>> r) | (w << (32 - r));
}

/** LDM, LDRD: the aligned word, no rotation. */
export function op_ldl_aligned_T0_T1_mmu(s: OpState): void {
  const a = s.T1 & ~3;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_READ) === 0) s.T0 = s.ldl(a);
  else {
    s.T0 = helper_ld(s, a, 4);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_stb_T0_T1_mmu(s: OpState): void {
  const a = s.T1;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_WRITE) === 0) s.stb(a, s.T0);
  else {
    helper_st(s, a, 1, s.T0 & 0xff);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_stw_T0_T1_mmu(s: OpState): void {
  const a = s.T1 & ~1;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_WRITE) === 0) s.stw(a, s.T0);
  else {
    helper_st(s, a, 2, s.T0 & 0xffff);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_stl_T0_T1_mmu(s: OpState): void {
  const a = s.T1 & ~3;
  if ((s.ldub((PAGE_FLAGS_BASE + (a >>> PAGE_SHIFT)) | 0) & PAGE_SLOW_WRITE) === 0) s.stl(a, s.T0);
  else {
    helper_st(s, a, 4, s.T0);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}
