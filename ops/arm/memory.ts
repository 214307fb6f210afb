/**
 * Guest memory through the software TLB (ops/core.ts): the fast path loads the page's TLB entry;
 * an identity entry (the usual one: user mode, RAM mapped 1:1) accesses the guest address
 * itself, any other entry with none of the flag bits that concern the access accesses host
 * memory at `entry ^ address` (a load masks off the flags that do not concern it: a read-only
 * page or one holding code, as literal pools are, reads at full speed); anything else (a TLB miss, a device, a read-only page or one holding translated
 * code) calls the slow path, a helper that may raise a data abort. Each op exists per MMU index
 * (`_mmu0`: privileged, `_mmu1`: user, for LDRT/STRT and user-mode blocks), folded into the TLB's
 * address. Loads set T0 from [T1]; stores write T0 to [T1]. P1 is the instruction's pc and P2
 * the instructions the block retired before it: on a fault the op leaves the CPU exactly at the
 * faulting instruction (the op, not the helper, writes pc and the count, which blocks keep in
 * locals). Halfword and word addresses are aligned down, and a word load rotates the aligned
 * word by the address's low bits (ARMv5, ARM ARM A4.1.23), so no access crosses a page.
 */
import { TLB_BASE, TLB_LOAD_IDENTITY_MASK, TLB_READ_MASK, TLB_WRITE_MASK, type OpState } from '../core.js';
import { helper_ld, helper_st } from './helpers.js';
import { CP15_FAR, CP15_FSR, EXCEPTION, EXCP_DATA_ABORT, FAULT_ADDR, ICOUNT, PC } from './state.js';

/** @expand idx 0..1 */
export function op_ldub_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  if ((e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.ldub(a);
  else if ((e & TLB_READ_MASK) === 0) s.T0 = s.ldub((e & ~0xfff) ^ a);
  else {
    s.T0 = helper_ld(s, a, 1, idx);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/** @expand idx 0..1 */
export function op_ldsb_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  if ((e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.ldsb(a);
  else if ((e & TLB_READ_MASK) === 0) s.T0 = s.ldsb((e & ~0xfff) ^ a);
  else {
    s.T0 = (helper_ld(s, a, 1, idx) << 24) >> 24;
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/** @expand idx 0..1 */
export function op_lduw_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1 & ~1;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  if ((e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.lduw(a);
  else if ((e & TLB_READ_MASK) === 0) s.T0 = s.lduw((e & ~0xfff) ^ a);
  else {
    s.T0 = helper_ld(s, a, 2, idx) & 0xffff;
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/** @expand idx 0..1 */
export function op_ldsw_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1 & ~1;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  if ((e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.ldsw(a);
  else if ((e & TLB_READ_MASK) === 0) s.T0 = s.ldsw((e & ~0xfff) ^ a);
  else {
    s.T0 = (helper_ld(s, a, 2, idx) << 16) >> 16;
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/**
 * LDR, SWP: the aligned word rotated right by 8 × (address & 3).
 * @expand idx 0..1
 */
export function op_ldl_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1 & ~3, r = (s.T1 & 3) << 3;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  let w = 0;
  if ((e & TLB_LOAD_IDENTITY_MASK) === 0) w = s.ldl(a);
  else if ((e & TLB_READ_MASK) === 0) w = s.ldl((e & ~0xfff) ^ a);
  else {
    w = helper_ld(s, a, 4, idx);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
  s.T0 = (w >>> r) | (w << (32 - r));
}

/**
 * LDM, LDRD: the aligned word, no rotation.
 * @expand idx 0..1
 */
export function op_ldl_aligned_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1 & ~3;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  if ((e & TLB_LOAD_IDENTITY_MASK) === 0) s.T0 = s.ldl(a);
  else if ((e & TLB_READ_MASK) === 0) s.T0 = s.ldl((e & ~0xfff) ^ a);
  else {
    s.T0 = helper_ld(s, a, 4, idx);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/** @expand idx 0..1 */
export function op_stb_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  if (e === 0) s.stb(a, s.T0);
  else if ((e & TLB_WRITE_MASK) === 0) s.stb(e ^ a, s.T0);
  else {
    helper_st(s, a, 1, s.T0 & 0xff, idx);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/** @expand idx 0..1 */
export function op_stw_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1 & ~1;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  if (e === 0) s.stw(a, s.T0);
  else if ((e & TLB_WRITE_MASK) === 0) s.stw(e ^ a, s.T0);
  else {
    helper_st(s, a, 2, s.T0 & 0xffff, idx);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/** @expand idx 0..1 */
export function op_stl_T0_T1_mmu$(s: OpState, idx: number): void {
  const a = s.T1 & ~3;
  const e = s.ldl((TLB_BASE + (idx << 22) + ((a >>> 12) << 2)) | 0);
  if (e === 0) s.stl(a, s.T0);
  else if ((e & TLB_WRITE_MASK) === 0) s.stl(e ^ a, s.T0);
  else {
    helper_st(s, a, 4, s.T0, idx);
    if (s.env[EXCEPTION] !== 0) { s.env[PC] = s.P1; s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0; s.exit_tb(); return; }
  }
}

/**
 * With SCTLR.A set (TB_FLAG_ALIGN), before a halfword or word access: an address with any of
 * the P1 bits set is an alignment fault, a data abort with FSR 1 and FAR the address (ARM ARM
 * B4.6.1). P2 is the instruction's pc, P3 the instructions the block retired before it.
 */
export function op_check_align_T1(s: OpState): void {
  if ((s.T1 & s.P1) !== 0) {
    s.env[EXCEPTION] = EXCP_DATA_ABORT;
    s.env[FAULT_ADDR] = s.T1;
    s.env[CP15_FAR] = s.T1;
    s.env[CP15_FSR] = 1;
    s.env[PC] = s.P2;
    s.env[ICOUNT] = (s.env[ICOUNT] + s.P3) | 0;
    s.exit_tb();
    return;
  }
}
