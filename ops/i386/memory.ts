/**
 * Guest memory through the software TLB (ops/core.ts), at the address temp A0 = T3: loads set
 * T0, stores write T0. x86 accesses need no alignment and may cross a page: an access that
 * crosses one, or misses the TLB's fast path, calls the slow path (helper_ld/helper_st), which
 * may raise a page fault. P1 is the instruction's eip and P2 the instructions the block retired
 * before it, so that a fault leaves the CPU exactly at the faulting instruction.
 */
import { TLB_BASE, TLB_LOAD_IDENTITY_MASK, TLB_READ_MASK, TLB_WRITE_MASK, type OpState } from '../core.js';
import { helper_ld, helper_st } from './helpers.js';
import { EIP, EXCEPTION, ICOUNT, SEG_BASE } from './state.js';

/** A0 += the base of segment `seg` (an override, or fs/gs). @expand seg 0..5 */
export function op_addl_A0_seg$(s: OpState, seg: number): void { s.T3 = (s.T3 + s.env[SEG_BASE + seg]) | 0; }

export function op_ldub_T0_A0(s: OpState): void {
  const a = s.T3;
  const e = s.ldl((TLB_BASE + ((a >>> 12) << 2)) | 0);
  if ((e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.ldub(a);
  else if ((e & TLB_READ_MASK) === 0) s.T0 = s.ldub((e & ~0xfff) ^ a);
  else {
    s.T0 = helper_ld(s, a, 1);
    if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_ldsb_T0_A0(s: OpState): void {
  const a = s.T3;
  const e = s.ldl((TLB_BASE + ((a >>> 12) << 2)) | 0);
  if ((e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.ldsb(a);
  else if ((e & TLB_READ_MASK) === 0) s.T0 = s.ldsb((e & ~0xfff) ^ a);
  else {
    s.T0 = (helper_ld(s, a, 1) << 24) >> 24;
    if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_lduw_T0_A0(s: OpState): void {
  const a = s.T3;
  const e = s.ldl((TLB_BASE + ((a >>> 12) << 2)) | 0);
  const inPage = (a & 0xfff) < 0xfff;
  if (inPage && (e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.lduw(a);
  else if (inPage && (e & TLB_READ_MASK) === 0) s.T0 = s.lduw((e & ~0xfff) ^ a);
  else {
    s.T0 = helper_ld(s, a, 2) & 0xffff;
    if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_ldsw_T0_A0(s: OpState): void {
  const a = s.T3;
  const e = s.ldl((TLB_BASE + ((a >>> 12) << 2)) | 0);
  const inPage = (a & 0xfff) < 0xfff;
  if (inPage && (e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.ldsw(a);
  else if (inPage && (e & TLB_READ_MASK) === 0) s.T0 = s.ldsw((e & ~0xfff) ^ a);
  else {
    s.T0 = (helper_ld(s, a, 2) << 16) >> 16;
    if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_ldl_T0_A0(s: OpState): void {
  const a = s.T3;
  const e = s.ldl((TLB_BASE + ((a >>> 12) << 2)) | 0);
  const inPage = (a & 0xfff) < 0xffd;
  if (inPage && (e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.ldl(a);
  else if (inPage && (e & TLB_READ_MASK) === 0) s.T0 = s.ldl((e & ~0xfff) ^ a);
  else {
    s.T0 = helper_ld(s, a, 4);
    if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_stb_T0_A0(s: OpState): void {
  const a = s.T3;
  const e = s.ldl((TLB_BASE + ((a >>> 12) << 2)) | 0);
  if (e === 0) s.stb(a, s.T0);
  else if ((e & TLB_WRITE_MASK) === 0) s.stb(e ^ a, s.T0);
  else {
    helper_st(s, a, 1, s.T0 & 0xff);
    if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_stw_T0_A0(s: OpState): void {
  const a = s.T3;
  const e = s.ldl((TLB_BASE + ((a >>> 12) << 2)) | 0);
  const inPage = (a & 0xfff) < 0xfff;
  if (inPage && e === 0) s.stw(a, s.T0);
  else if (inPage && (e & TLB_WRITE_MASK) === 0) s.stw(e ^ a, s.T0);
  else {
    helper_st(s, a, 2, s.T0 & 0xffff);
    if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

export function op_stl_T0_A0(s: OpState): void {
  const a = s.T3;
  const e = s.ldl((TLB_BASE + ((a >>> 12) << 2)) | 0);
  const inPage = (a & 0xfff) < 0xffd;
  if (inPage && e === 0) s.stl(a, s.T0);
  else if (inPage && (e & TLB_WRITE_MASK) === 0) s.stl(e ^ a, s.T0);
  else {
    helper_st(s, a, 4, s.T0);
    if (s.env[EXCEPTION] !== 0) { s.env[EIP] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}
