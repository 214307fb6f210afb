/**
 * ARM CPU state layout: word indexes into `env` (OpState.env, at ENV_BASE).
 * The one definition shared by the ARM ops, helpers, runtime and debugger-facing code.
 *
 * Flags are kept QEMU-style, one word each, so that data-processing ops can set them
 * without read-modify-write of CPSR:
 *   N = NF bit 31, Z = (ZF == 0), C = CF (0 or 1), V = VF bit 31.
 * R8..R14 and SPSR hold the current mode's registers; the other modes' copies live in the
 * bank words below and are swapped by the mode-switch helper (runtime/arm/modes.ts).
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
/** CPSR without N, Z, C, V, Q and T (those live in the words above): mode, I, F. */
export const CPSR_REST = 22;
/** The current mode's SPSR. */
export const SPSR = 23;
/** Pending exception number (EXCP_*), set by ops and helpers; the exec loop takes it. */
export const EXCEPTION = 24;
/**
 * Guest instructions retired, wrapping at 32 bits: every op that leaves a block adds the
 * block's count up to that point (its last parameter), so the count is exact in both engines.
 */
export const ICOUNT = 25;
/** CP15 registers (c1 control, c2 TTB, c3 domains, c5 data FSR, c6 FAR, c13 FCSE PID; CP15_IFSR below). */
export const CP15_SCTLR = 26;
export const CP15_TTBR = 27;
export const CP15_DACR = 28;
export const CP15_FSR = 29;
export const CP15_FAR = 30;
export const CP15_PID = 31;
/** Address of the last slow-path access that faulted (for the exec loop's abort entry). */
export const FAULT_ADDR = 32;
/** Non-zero asks the chained dispatcher to return to the exec loop after the current block. */
export const EXIT_REQUEST = 33;
/**
 * The block key's second flags word (the first is THUMB): what translation depends on besides
 * the instruction set. Kept by writeCpsr and the CP15 control register (ops/arm/modes.ts).
 */
export const TB_FLAGS = 34;
/** CP15 c5 instruction fault status (the ARM926's IFSR; CP15_FSR is the data FSR). */
export const CP15_IFSR = 35;

/** TB_FLAGS bits: user mode (memory ops use the user MMU index), SCTLR.A (alignment checks), SCTLR.M (MMU on). */
export const TB_FLAG_USER = 2, TB_FLAG_ALIGN = 4, TB_FLAG_MMU = 8;

/**
 * Env words that compiled code holds in WebAssembly locals for the length of a block or
 * region, so that V8 can keep them in host registers (v86's way): loaded at entry, stored at
 * exit, and written back and reloaded around any helper that may read or write them (helpers
 * tagged @noLocalWords touch none). The registers, the flags, the Thumb bit and the retired
 * count: all that a block's ops and its exit touch, so that going from block to block inside a
 * region needs no memory traffic. The generator reads this list (gen/collect.ts); the
 * interpreter ignores it.
 */
export const BLOCK_LOCAL_WORDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, SP, LR, PC, NF, ZF, CF, VF, THUMB, ICOUNT, TB_FLAGS];

/** Banked r13, r14, SPSR of each mode: BANK + 3 * bankIndex(mode) + {0, 1, 2}. */
export const BANK = 64;
/** r8..r12 of FIQ mode and of every other mode (swapped on entering and leaving FIQ). */
export const FIQ_R8 = 82;
export const USR_R8 = 87;
/** Number of state words in use; must stay below ENV_WORDS. */
export const ARM_STATE_WORDS = 96;

/** Exception numbers in EXCEPTION (0: none). */
export const EXCP_UDEF = 1;
export const EXCP_SWI = 2;
export const EXCP_PREFETCH_ABORT = 3;
export const EXCP_DATA_ABORT = 4;
export const EXCP_IRQ = 5;
export const EXCP_FIQ = 6;
export const EXCP_BKPT = 7;
/** Not an architectural exception: leave the block so the exec loop sees a state change. */
export const EXCP_YIELD = 8;
/** Wait for interrupt (CP15 c7, c0, 4 on the ARM926): the CPU sleeps until an interrupt line rises. */
export const EXCP_WFI = 9;
/** Not architectural: a debugger's breakpoint or watchpoint (QEMU's EXCP_DEBUG); the exec loop stops for the debugger. */
export const EXCP_DEBUG = 10;

/** CPSR bits. */
export const CPSR_N = 1 << 31, CPSR_Z = 1 << 30, CPSR_C = 1 << 29, CPSR_V = 1 << 28, CPSR_Q = 1 << 27;
export const CPSR_A = 1 << 8, CPSR_I = 1 << 7, CPSR_F = 1 << 6, CPSR_T = 1 << 5;
export const CPSR_MODE = 0x1f;
export const MODE_USR = 0x10, MODE_FIQ = 0x11, MODE_IRQ = 0x12, MODE_SVC = 0x13, MODE_ABT = 0x17, MODE_UND = 0x1b, MODE_SYS = 0x1f;
