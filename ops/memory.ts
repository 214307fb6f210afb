/**
 * Guest memory: loads T0 = mem[T1], stores mem[T1] = T0 (QEMU 0.9's op_mem.h convention),
 * little-endian and, for big-endian guests, _be.
 */
import type { OpState } from './core.js';

export function op_ldub_T0_T1(s: OpState): void { s.T0 = s.ldub(s.T1); }
export function op_ldsb_T0_T1(s: OpState): void { s.T0 = s.ldsb(s.T1); }
export function op_lduw_T0_T1(s: OpState): void { s.T0 = s.lduw(s.T1); }
export function op_ldsw_T0_T1(s: OpState): void { s.T0 = s.ldsw(s.T1); }
export function op_ldl_T0_T1(s: OpState): void { s.T0 = s.ldl(s.T1); }
export function op_lduw_be_T0_T1(s: OpState): void { s.T0 = s.lduw_be(s.T1); }
export function op_ldsw_be_T0_T1(s: OpState): void { s.T0 = s.ldsw_be(s.T1); }
export function op_ldl_be_T0_T1(s: OpState): void { s.T0 = s.ldl_be(s.T1); }

export function op_stb_T0_T1(s: OpState): void { s.stb(s.T1, s.T0); }
export function op_stw_T0_T1(s: OpState): void { s.stw(s.T1, s.T0); }
export function op_stl_T0_T1(s: OpState): void { s.stl(s.T1, s.T0); }
export function op_stw_be_T0_T1(s: OpState): void { s.stw_be(s.T1, s.T0); }
export function op_stl_be_T0_T1(s: OpState): void { s.stl_be(s.T1, s.T0); }
