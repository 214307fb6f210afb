/**
 * Out-of-line helpers of the ARM ops (QEMU's helper_*): plain TypeScript, called from snippets.
 * `@noLocalWords` marks a helper that reads and writes none of BLOCK_LOCAL_WORDS (state.ts),
 * so that block code need not write its register locals back around the call.
 */
import type { OpState } from '../core.js';
import { TLB_FLUSH_ALL, TLB_FLUSH_PAGE, readCp15, writeCp15 } from './cp15.js';
import { currentMode, msrFieldMask, readCpsr, userRegIndex, writeCpsr } from './modes.js';
import { CPSR_T, EXCEPTION, MODE_USR, SPSR, THUMB } from './state.js';

/**
 * Record a pending exception for the exec loop (which takes it between blocks).
 * @noLocalWords
 */
export function helper_exception(s: OpState, excp: number): void {
  s.env[EXCEPTION] = excp;
}

/**
 * A load that missed the TLB's fast path (runtime/softmmu.ts); a fault sets EXCEPTION (the op
 * then leaves the block).
 * @noLocalWords
 */
export function helper_ld(s: OpState, addr: number, bytes: number, mmuIdx: number): number {
  return s.slow.load(addr, bytes, mmuIdx) | 0;
}

/**
 * A store that missed the TLB's fast path (a miss, a device, a read-only page or one holding
 * translated code).
 * @noLocalWords
 */
export function helper_st(s: OpState, addr: number, bytes: number, value: number, mmuIdx: number): void {
  s.slow.store(addr, bytes, value, mmuIdx);
}

/** MSR: write the fields of CPSR (spsr = 0) or SPSR (spsr = 1); user mode may write only the flags. */
export function helper_msr(s: OpState, value: number, fields: number, spsr: number): void {
  let mask = msrFieldMask(fields);
  if (spsr !== 0) {
    if (currentMode(s.env) !== MODE_USR) s.env[SPSR] = (s.env[SPSR] & ~mask) | (value & mask);
    return;
  }
  if (currentMode(s.env) === MODE_USR) mask &= 0xf8000000;
  // ARMv5: MSR must not change the T bit (the result would be unpredictable); it is kept.
  writeCpsr(s.env, value, mask & ~CPSR_T);
}

/** Exception return (MOVS pc / SUBS pc / LDM ^ with pc): CPSR = SPSR; returns the pc mask. */
export function helper_exception_return(s: OpState): number {
  if (currentMode(s.env) !== MODE_USR) writeCpsr(s.env, s.env[SPSR], -1);
  return s.env[THUMB] !== 0 ? -2 : -4;
}

/** MRS SPSR in user mode is unpredictable: read it as the CPSR, as QEMU does. */
export function helper_read_spsr(s: OpState): number {
  return currentMode(s.env) === MODE_USR ? readCpsr(s.env) : s.env[SPSR];
}

/** A user-mode register, as LDM/STM with ^ and no pc sees it. */
export function helper_get_user_reg(s: OpState, reg: number): number {
  return s.env[userRegIndex(s.env, reg & 15)] | 0;
}

export function helper_set_user_reg(s: OpState, reg: number, value: number): void {
  s.env[userRegIndex(s.env, reg & 15)] = value;
}

/**
 * MRC p15: `spec` = opc1 << 12 | CRn << 8 | CRm << 4 | opc2.
 * @noLocalWords
 */
export function helper_cp15_read(s: OpState, spec: number): number {
  return readCp15(s.env, spec);
}

/**
 * MCR p15 (CP15 registers only). Not @noLocalWords: the control register is part of TB_FLAGS.
 * A write that changes how addresses translate flushes the TLB (and with it every lookup of
 * a block by its virtual address).
 */
export function helper_cp15_write(s: OpState, spec: number, value: number): void {
  const tlb = writeCp15(s.env, spec, value);
  if (tlb === TLB_FLUSH_ALL) s.slow.tlbFlush();
  else if (tlb === TLB_FLUSH_PAGE) s.slow.tlbFlushPage(value);
}
