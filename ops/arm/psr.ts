/** Program status register access (MRS/MSR) and the v5TE DSP saturating arithmetic. */
import type { OpState } from '../core.js';
import { CF, CPSR_REST, NF, QF, THUMB, VF, ZF } from './state.js';

/** T0 = CPSR, assembled from the flag words (MRS). */
export function op_movl_T0_cpsr(s: OpState): void {
  s.T0 = (s.env[NF] & 0x80000000)
    | (s.env[ZF] === 0 ? 0x40000000 : 0)
    | (s.env[CF] !== 0 ? 0x20000000 : 0)
    | ((s.env[VF] >>> 31) << 28)
    | (s.env[QF] !== 0 ? 0x08000000 : 0)
    | (s.env[THUMB] !== 0 ? 0x20 : 0)
    | s.env[CPSR_REST];
}

/** Set N, Z, C, V and Q from bits 31..27 of T0 (MSR CPSR_f). */
export function op_movl_cpsr_flags_T0(s: OpState): void {
  const x = s.T0;
  s.env[NF] = x;
  s.env[ZF] = (x & 0x40000000) !== 0 ? 0 : 1;
  s.env[CF] = (x >>> 29) & 1;
  s.env[VF] = x << 3;
  s.env[QF] = (x >>> 27) & 1;
}

/** T0 = saturate(T0 + T1), setting Q on saturation (QADD). */
export function op_qadd_T0_T1(s: OpState): void {
  const a = s.T0, b = s.T1;
  const r = (a + b) | 0;
  if (((a ^ r) & (b ^ r)) < 0) {
    s.T0 = a < 0 ? -0x80000000 : 0x7fffffff;
    s.env[QF] = 1;
  } else s.T0 = r;
}

/** T0 = saturate(T0 - T1), setting Q on saturation (QSUB). */
export function op_qsub_T0_T1(s: OpState): void {
  const a = s.T0, b = s.T1;
  const r = (a - b) | 0;
  if (((a ^ b) & (a ^ r)) < 0) {
    s.T0 = a < 0 ? -0x80000000 : 0x7fffffff;
    s.env[QF] = 1;
  } else s.T0 = r;
}

/** T1 = saturate(2 * T1), setting Q on saturation (the doubling of QDADD/QDSUB). */
export function op_qdouble_T1(s: OpState): void {
  const a = s.T1;
  const r = a << 1;
  if ((a ^ r) < 0) {
    s.T1 = a < 0 ? -0x80000000 : 0x7fffffff;
    s.env[QF] = 1;
  } else s.T1 = r;
}

/** T0 = T0 + T1, setting Q (not saturating) on signed overflow (the accumulate of SMLAxy/SMLAWy). */
export function op_addq_T0_T1(s: OpState): void {
  const a = s.T0, b = s.T1;
  const r = (a + b) | 0;
  if (((a ^ r) & (b ^ r)) < 0) s.env[QF] = 1;
  s.T0 = r;
}
