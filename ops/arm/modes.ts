/**
 * Processor modes and banked registers (ARM ARM A2.3–A2.5): plain TypeScript shared by the
 * helpers that ops call (MSR, exception return, user-bank LDM/STM) and by the exec loop's
 * exception entry, so that both switch banks the same way.
 */
import {
  BANK, CF, CPSR_MODE, CPSR_T, FIQ_R8, MODE_ABT, MODE_FIQ, MODE_IRQ, MODE_SVC, MODE_SYS, MODE_UND, MODE_USR,
  NF, QF, R0, SPSR, THUMB, USR_R8, VF, ZF, CPSR_REST, CP15_SCTLR, TB_FLAGS, TB_FLAG_ALIGN, TB_FLAG_MMU, TB_FLAG_USER,
} from './state.js';

/** SCTLR bits that translation depends on: M (MMU on) and A (alignment faults). */
const SCTLR_M = 1, SCTLR_A = 2;

/** Recompute TB_FLAGS from the mode and the control register (after either changes). */
export function updateTbFlags(env: Int32Array): void {
  const sctlr = env[CP15_SCTLR];
  env[TB_FLAGS] = ((env[CPSR_REST] & CPSR_MODE) === MODE_USR ? TB_FLAG_USER : 0)
    | (sctlr & SCTLR_A ? TB_FLAG_ALIGN : 0) | (sctlr & SCTLR_M ? TB_FLAG_MMU : 0);
}

/** Index of a mode's r13/r14/SPSR bank, or -1 for an invalid mode number. */
export function bankIndex(mode: number): number {
  switch (mode & CPSR_MODE) {
    case MODE_USR: case MODE_SYS: return 0;
    case MODE_FIQ: return 1;
    case MODE_IRQ: return 2;
    case MODE_SVC: return 3;
    case MODE_ABT: return 4;
    case MODE_UND: return 5;
    default: return -1;
  }
}

export function currentMode(env: Int32Array): number {
  return env[CPSR_REST] & CPSR_MODE;
}

/** CPSR assembled from the flag words. */
export function readCpsr(env: Int32Array): number {
  return ((env[NF] & 0x80000000)
    | (env[ZF] === 0 ? 0x40000000 : 0)
    | (env[CF] !== 0 ? 0x20000000 : 0)
    | ((env[VF] >>> 31) << 28)
    | (env[QF] !== 0 ? 0x08000000 : 0)
    | (env[THUMB] !== 0 ? CPSR_T : 0)
    | env[CPSR_REST]) | 0;
}

/** Save the current mode's banked registers and load those of `mode` (no-op within one bank). */
export function switchBanks(env: Int32Array, from: number, to: number): void {
  const a = bankIndex(from), b = bankIndex(to);
  if (a === b || b < 0) return;
  if (a >= 0) {
    env[BANK + 3 * a] = env[R0 + 13];
    env[BANK + 3 * a + 1] = env[R0 + 14];
    env[BANK + 3 * a + 2] = env[SPSR];
  }
  if ((from & CPSR_MODE) === MODE_FIQ) {
    for (let i = 0; i < 5; i++) { env[FIQ_R8 + i] = env[R0 + 8 + i]; env[R0 + 8 + i] = env[USR_R8 + i]; }
  }
  if ((to & CPSR_MODE) === MODE_FIQ) {
    for (let i = 0; i < 5; i++) { env[USR_R8 + i] = env[R0 + 8 + i]; env[R0 + 8 + i] = env[FIQ_R8 + i]; }
  }
  env[R0 + 13] = env[BANK + 3 * b];
  env[R0 + 14] = env[BANK + 3 * b + 1];
  env[SPSR] = env[BANK + 3 * b + 2];
}

/**
 * Write the CPSR fields selected by `mask` (byte mask as in MSR's field bits, expanded to
 * bits), switching banks on a mode change. An invalid mode number is ignored, as QEMU does.
 */
export function writeCpsr(env: Int32Array, value: number, mask: number): void {
  if (mask & 0xf8000000) {
    const flags = (readCpsr(env) & ~mask) | (value & mask);
    env[NF] = flags;
    env[ZF] = (flags & 0x40000000) !== 0 ? 0 : 1;
    env[CF] = (flags >>> 29) & 1;
    env[VF] = flags << 3;
    env[QF] = (flags >>> 27) & 1;
  }
  if (mask & CPSR_T) env[THUMB] = (value & CPSR_T) !== 0 ? 1 : 0;
  const restMask = mask & 0x07ffffdf;
  if (restMask) {
    const old = env[CPSR_REST];
    let next = (old & ~restMask) | (value & restMask);
    if (bankIndex(next) < 0) next = (next & ~CPSR_MODE) | (old & CPSR_MODE);
    switchBanks(env, old, next);
    env[CPSR_REST] = next;
    updateTbFlags(env);
  }
}

/** Expand MSR's 4-bit field mask (c, x, s, f) into a bit mask. */
export function msrFieldMask(fields: number): number {
  return ((fields & 1 ? 0xff : 0) | (fields & 2 ? 0xff00 : 0) | (fields & 4 ? 0xff0000 : 0) | (fields & 8 ? 0xff000000 : 0)) | 0;
}

/** The registers a user-bank LDM/STM (the `^` forms) sees for r8..r14 in the current mode. */
export function userRegIndex(env: Int32Array, reg: number): number {
  const mode = currentMode(env);
  if (reg >= 13 && reg <= 14 && bankIndex(mode) !== 0) return BANK + (reg - 13);
  if (reg >= 8 && reg <= 12 && mode === MODE_FIQ) return USR_R8 + (reg - 8);
  return R0 + reg;
}

export { MODE_SYS };
