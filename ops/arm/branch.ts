/**
 * Leaving a translation block: jumps, BX interworking, conditional branches, exceptions.
 * Every op that leaves a block adds to ICOUNT the instructions the block retired up to that
 * exit (its last parameter), which keeps the guest instruction count exact in both engines.
 */
import type { OpState } from '../core.js';
import { helper_exception, helper_exception_return } from './helpers.js';
import { ICOUNT, PC, THUMB } from './state.js';

/** Jump to the constant address P1 (B, BL, and the fall-through at the end of a block). */
export function op_jmp_im(s: OpState): void {
  s.env[PC] = s.P1;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0;
  s.exit_tb();
}

/** Jump to T0, switching to Thumb state if bit 0 is set (BX, BLX register, LDR/LDM/POP pc). */
export function op_bx_T0(s: OpState): void {
  s.env[THUMB] = s.T0 & 1;
  s.env[PC] = s.T0 & ~1;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P1) | 0;
  s.exit_tb();
}

/** Jump to T0 in the current state (data processing writing r15): ARM aligns to 4, Thumb to 2. */
export function op_jmp_T0(s: OpState): void {
  s.env[PC] = s.T0 & (s.env[THUMB] !== 0 ? -2 : -4);
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P1) | 0;
  s.exit_tb();
}

/** Leave the block with the pc already stored (after a state change the next block must see). */
export function op_exit_tb(s: OpState): void {
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P1) | 0;
  s.exit_tb();
}

/** Conditional branch: to P1 if T0 is non-zero, else to P2. */
export function op_brcond_T0(s: OpState): void {
  s.env[PC] = s.T0 !== 0 ? s.P1 : s.P2;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P3) | 0;
  s.exit_tb();
}

/** Raise exception P1 with the pc at P2 (SWI, undefined instruction, BKPT). */
export function op_raise_exception(s: OpState): void {
  s.env[PC] = s.P2;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P3) | 0;
  helper_exception(s, s.P1);
  s.exit_tb();
}

/**
 * Exception return, first half: CPSR = SPSR (mode, state and flags); T1 = the pc alignment
 * mask of the new state. A separate op from the jump because the helper switches register
 * banks, which compiled code holds in locals: the code generator reloads them after this op.
 */
export function op_exception_return_T1(s: OpState): void {
  s.T1 = helper_exception_return(s);
}

/** Exception return, second half: jump to T0 aligned by the mask in T1. */
export function op_jmp_T0_mask_T1(s: OpState): void {
  s.env[PC] = s.T0 & s.T1;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P1) | 0;
  s.exit_tb();
}
