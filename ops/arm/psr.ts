/** Program status register access (MRS/MSR) and the v5TE DSP saturating arithmetic. */
import type { OpState } from '../core.js';
import { helper_cp15_read, helper_cp15_write, helper_get_user_reg, helper_msr, helper_read_spsr, helper_set_user_reg } from './helpers.js';
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

/** Set N, Z, C, V from bits 31..28 of T0, leaving Q (MRC with Rd = pc: APSR_nzcv). */
export function op_movl_cpsr_nzcv_T0(s: OpState): void {
  const x = s.T0;
  s.env[NF] = x;
  s.env[ZF] = (x & 0x40000000) !== 0 ? 0 : 1;
  s.env[CF] = (x >>> 29) & 1;
  s.env[VF] = x << 3;
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

/** T0 = SPSR of the current mode (MRS SPSR). */
export function op_movl_T0_spsr(s: OpState): void {
  s.T0 = helper_read_spsr(s);
}

/** MSR: write T0 to the CPSR (P2 = 0) or SPSR (P2 = 1) fields in P1 (c = 1, x = 2, s = 4, f = 8). */
export function op_msr_T0(s: OpState): void {
  helper_msr(s, s.T0, s.P1, s.P2);
}

/** C = P1 (the carry-out of a rotated immediate operand). */
export function op_set_cf_im(s: OpState): void {
  s.env[CF] = s.P1;
}

/** N and Z of the 64-bit result T1:T0 (UMULLS and friends). */
export function op_logic64_cc(s: OpState): void {
  s.env[NF] = s.T1;
  s.env[ZF] = s.T0 | s.T1;
}

/** T0 = user-mode register P1 (LDM/STM with ^). */
export function op_movl_T0_user_reg(s: OpState): void {
  s.T0 = helper_get_user_reg(s, s.P1);
}

export function op_movl_user_reg_T0(s: OpState): void {
  helper_set_user_reg(s, s.P1, s.T0);
}

/** MRC p15 (P1 = the register spec, cp15Spec()). */
export function op_mrc_cp15_T0(s: OpState): void {
  s.T0 = helper_cp15_read(s, s.P1);
}

/** MCR p15. */
export function op_mcr_cp15_T0(s: OpState): void {
  helper_cp15_write(s, s.P1, s.T0);
}
