/**
 * Moves between i386 registers and temps, one op per register. T3 is the address temp (QEMU's
 * A0): memory ops read and write at T3, and effective addresses are built in it.
 */
import type { OpState } from '../core.js';
import { EAX } from './state.js';

/** @expand reg 0..7 */
export function op_movl_T0_r$(s: OpState, reg: number): void { s.T0 = s.env[EAX + reg]; }
/** @expand reg 0..7 */
export function op_movl_T1_r$(s: OpState, reg: number): void { s.T1 = s.env[EAX + reg]; }
/** @expand reg 0..7 */
export function op_movl_T2_r$(s: OpState, reg: number): void { s.T2 = s.env[EAX + reg]; }
/** @expand reg 0..7 */
export function op_movl_r$_T0(s: OpState, reg: number): void { s.env[EAX + reg] = s.T0; }
/** @expand reg 0..7 */
export function op_movl_r$_T1(s: OpState, reg: number): void { s.env[EAX + reg] = s.T1; }
/** @expand reg 0..7 */
export function op_movl_r$_A0(s: OpState, reg: number): void { s.env[EAX + reg] = s.T3; }

/** The low 16 bits of a register from T0. @expand reg 0..7 */
export function op_movw_r$_T0(s: OpState, reg: number): void {
  s.env[EAX + reg] = (s.env[EAX + reg] & ~0xffff) | (s.T0 & 0xffff);
}

/** A byte register (AL CL DL BL AH CH DH BH) from T0. @expand reg 0..7 */
export function op_movb_r$_T0(s: OpState, reg: number): void {
  if (reg < 4) s.env[EAX + reg] = (s.env[EAX + reg] & ~0xff) | (s.T0 & 0xff);
  else s.env[EAX + reg - 4] = (s.env[EAX + reg - 4] & ~0xff00) | ((s.T0 & 0xff) << 8);
}

/** T0 = a byte register, zero-extended. @expand reg 0..7 */
export function op_movb_T0_r$(s: OpState, reg: number): void {
  if (reg < 4) s.T0 = s.env[EAX + reg] & 0xff;
  else s.T0 = (s.env[EAX + reg - 4] >>> 8) & 0xff;
}
/** T1 = a byte register, zero-extended. @expand reg 0..7 */
export function op_movb_T1_r$(s: OpState, reg: number): void {
  if (reg < 4) s.T1 = s.env[EAX + reg] & 0xff;
  else s.T1 = (s.env[EAX + reg - 4] >>> 8) & 0xff;
}

// --- the address temp (A0 = T3) ----------------------------------------------------------------
/** @expand reg 0..7 */
export function op_movl_A0_r$(s: OpState, reg: number): void { s.T3 = s.env[EAX + reg]; }
/** A0 += reg << scale. @expand reg 0..7 */
export function op_addl_A0_r$_s0(s: OpState, reg: number): void { s.T3 = (s.T3 + s.env[EAX + reg]) | 0; }
/** @expand reg 0..7 */
export function op_addl_A0_r$_s1(s: OpState, reg: number): void { s.T3 = (s.T3 + (s.env[EAX + reg] << 1)) | 0; }
/** @expand reg 0..7 */
export function op_addl_A0_r$_s2(s: OpState, reg: number): void { s.T3 = (s.T3 + (s.env[EAX + reg] << 2)) | 0; }
/** @expand reg 0..7 */
export function op_addl_A0_r$_s3(s: OpState, reg: number): void { s.T3 = (s.T3 + (s.env[EAX + reg] << 3)) | 0; }
export function op_movl_A0_im(s: OpState): void { s.T3 = s.P1; }
export function op_addl_A0_im(s: OpState): void { s.T3 = (s.T3 + s.P1) | 0; }
/** 16-bit address size: A0 wraps at 64 KiB. */
export function op_andl_A0_ffff(s: OpState): void { s.T3 = s.T3 & 0xffff; }
export function op_mov_A0_T0(s: OpState): void { s.T3 = s.T0; }
export function op_mov_A0_T1(s: OpState): void { s.T3 = s.T1; }
export function op_mov_T0_A0(s: OpState): void { s.T0 = s.T3; }
export function op_mov_T1_A0(s: OpState): void { s.T1 = s.T3; }
export function op_mov_T2_A0(s: OpState): void { s.T2 = s.T3; }
export function op_mov_A0_T2(s: OpState): void { s.T3 = s.T2; }
