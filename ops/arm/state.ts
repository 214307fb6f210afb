/**
 * ARM CPU state layout: word indexes into `env` (OpState.env, at ENV_BASE).
 * The one definition shared by the ARM ops, helpers, runtime and debugger-facing code.
 *
 * Flags are kept QEMU-style, one word each, so that data-processing ops can set them
 * without read-modify-write of CPSR:
 *   N = NF bit 31, Z = (ZF == 0), C = CF (0 or 1), V = VF bit 31.
 */
export const R0 = 0;
/** r13..r15 by name; REGS(n) = n for n in 0..15. */
export const SP = 13;
export const LR = 14;
export const PC = 15;
export const NF = 16;
export const ZF = 17;
export const CF = 18;
export const VF = 19;
/** Sticky saturation flag (CPSR.Q), 0 or 1. */
export const QF = 20;
/** 1 in Thumb state. */
export const THUMB = 21;
/** CPSR without N, Z, C, V, Q and T (those live in the words above). */
export const CPSR_REST = 22;
export const SPSR = 23;
/** Pending exception number, set by helpers that raise one. */
export const EXCEPTION = 24;
/** Number of state words in use; must stay below ENV_WORDS. */
export const ARM_STATE_WORDS = 64;
