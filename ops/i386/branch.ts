/**
 * Leaving a translation block: jumps, conditional branches, exceptions, and the loop of a rep
 * prefix. Every op that leaves a block adds to ICOUNT the instructions the block retired up to
 * that exit (its last parameter), which keeps the guest instruction count exact in both engines.
 */
import type { OpState } from '../core.js';
import { CODE_STORE, ECX, EIP, EXCEPTION, EXCP_FETCH, FAULT_ADDR, ICOUNT } from './state.js';

/** Jump to the constant address P1 (jmp, call, and the fall-through at the end of a block). */
export function op_jmp_im(s: OpState): void {
  s.env[EIP] = s.P1;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0;
  s.exit_tb();
}

/** Jump to T0 (ret, indirect jmp and call). */
export function op_jmp_T0(s: OpState): void {
  s.env[EIP] = s.T0;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P1) | 0;
  s.exit_tb();
}

/** Conditional branch: to P1 if T0 is non-zero, else to P2. */
export function op_brcond_T0(s: OpState): void {
  s.env[EIP] = s.T0 !== 0 ? s.P1 : s.P2;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P3) | 0;
  s.exit_tb();
}

/** Raise exception P1 with eip P2 (int $0x80 and int3 past the instruction, faults on it). */
export function op_raise_exception(s: OpState): void {
  s.env[EIP] = s.P2;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P3) | 0;
  s.env[EXCEPTION] = s.P1;
  s.exit_tb();
}

/** An instruction at P1 that runs into memory that cannot be executed at P2: a fetch fault there. */
export function op_raise_fetch_fault(s: OpState): void {
  s.env[EIP] = s.P1;
  s.env[FAULT_ADDR] = s.P2;
  s.env[ICOUNT] = (s.env[ICOUNT] + s.P3) | 0;
  s.env[EXCEPTION] = EXCP_FETCH;
  s.exit_tb();
}

/** Leave the block for P1 if ECX is 0 (a rep prefix whose count has run out). */
export function op_exit_if_ecx_zero(s: OpState): void {
  if (s.env[ECX] === 0) {
    s.env[EIP] = s.P1;
    s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0;
    s.exit_tb();
    return;
  }
}

/** Leave the block for P1 if T0 is non-zero (repz/repnz whose condition ended the loop). */
export function op_exit_if_T0(s: OpState): void {
  if (s.T0 !== 0) {
    s.env[EIP] = s.P1;
    s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0;
    s.exit_tb();
    return;
  }
}

/** A block's first op (where it may store): no stores into code recorded yet. */
export function op_clear_code_store(s: OpState): void {
  s.env[CODE_STORE] = 0;
  s.env[CODE_STORE + 1] = 0;
}

/**
 * After an instruction that may store: leave the block for P1, the next instruction, if the
 * instruction stored into [P1, P3), the rest of the block, whose translation is stale now.
 * Only the block's own bytes count, so that both engines leave at the same places whatever
 * else each has translated.
 */
export function op_exit_if_code_stored(s: OpState): void {
  const lo = s.env[CODE_STORE], hi = s.env[CODE_STORE + 1];
  if (lo !== hi) {
    s.env[CODE_STORE] = 0;
    s.env[CODE_STORE + 1] = 0;
    if ((lo >>> 0) < (s.P3 >>> 0) && (s.P1 >>> 0) < (hi >>> 0)) {
      s.env[EIP] = s.P1;
      s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0;
      s.exit_tb();
      return;
    }
  }
}

/** jecxz / loop: T0 = ECX === 0. */
export function op_test_ecx_zero_T0(s: OpState): void { s.T0 = s.env[ECX] === 0 ? 1 : 0; }
/** loop: ECX -= 1; T0 = ECX !== 0. */
export function op_dec_ecx_test_T0(s: OpState): void {
  s.env[ECX] = (s.env[ECX] - 1) | 0;
  s.T0 = s.env[ECX] !== 0 ? 1 : 0;
}
/** rep: ECX -= 1. */
export function op_dec_ecx(s: OpState): void { s.env[ECX] = (s.env[ECX] - 1) | 0; }

/** The same with the 16-bit address size (0x67): the count is CX. */
export function op_exit_if_cx_zero(s: OpState): void {
  if ((s.env[ECX] & 0xffff) === 0) {
    s.env[EIP] = s.P1;
    s.env[ICOUNT] = (s.env[ICOUNT] + s.P2) | 0;
    s.exit_tb();
    return;
  }
}
/** jcxz: T0 = CX === 0. */
export function op_test_cx_zero_T0(s: OpState): void { s.T0 = (s.env[ECX] & 0xffff) === 0 ? 1 : 0; }
/** loop with 0x67: CX -= 1 (the upper half of ECX kept); T0 = CX !== 0. */
export function op_dec_cx_test_T0(s: OpState): void {
  const cx = (s.env[ECX] - 1) & 0xffff;
  s.env[ECX] = (s.env[ECX] & ~0xffff) | cx;
  s.T0 = cx !== 0 ? 1 : 0;
}
/** rep with 0x67: CX -= 1. */
export function op_dec_cx(s: OpState): void { s.env[ECX] = (s.env[ECX] & ~0xffff) | ((s.env[ECX] - 1) & 0xffff); }
