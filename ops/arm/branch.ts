/** Leaving a translation block: jumps, BX interworking, conditional branches, exceptions. */
import type { OpState } from '../core.js';
import { helper_exception } from './helpers.js';
import { PC, THUMB } from './state.js';

/** Jump to the constant address P1 (B, BL, and the fall-through at the end of a block). */
export function op_jmp_im(s: OpState): void {
  s.env[PC] = s.P1;
  s.exit_tb();
}

/** Jump to T0, switching to Thumb state if bit 0 is set (BX, BLX register, POP {pc} on v5). */
export function op_bx_T0(s: OpState): void {
  s.env[THUMB] = s.T0 & 1;
  s.env[PC] = s.T0 & ~1;
  s.exit_tb();
}

/** Leave the block with the pc already stored (writes to r15 by data processing, LDM). */
export function op_exit_tb(s: OpState): void {
  s.exit_tb();
}

/** Conditional branch: to P1 if T0 is non-zero, else to P2. */
export function op_brcond_T0(s: OpState): void {
  s.env[PC] = s.T0 !== 0 ? s.P1 : s.P2;
  s.exit_tb();
}

/** Skip the rest of the block when T0 is zero, continuing at P1 (a failed condition). */
export function op_exit_if_T0_zero(s: OpState): void {
  if (s.T0 === 0) {
    s.env[PC] = s.P1;
    s.exit_tb();
    return;
  }
}

/** Raise exception P1 with the pc at P2 (SWI, undefined instruction, BKPT). */
export function op_raise_exception(s: OpState): void {
  s.env[PC] = s.P2;
  helper_exception(s, s.P1);
  s.exit_tb();
}
