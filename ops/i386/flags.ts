/**
 * The lazy flags (state.ts): ops that record an instruction's CC_OP and operands, and ops that
 * read the flags. A condition is evaluated from the flags computed by helper_cc_compute_all,
 * or, where the translator knows the block's last flag-setting instruction, inline from its
 * operands (the compare-and-branch of every loop).
 */
import type { OpState } from '../core.js';
import { helper_cc_compute_all } from './helpers.js';
import { CC_DST, CC_KIND_ADC, CC_KIND_ADD, CC_KIND_SUB, CC_OP, CC_OP_EFLAGS, CC_SRC, CC_SRC2, DF, EFLAGS_REST } from './state.js';

/** Logic results: CC_DST = T0. P1 = CC_OP. */
export function op_update1_cc(s: OpState): void { s.env[CC_DST] = s.T0; s.env[CC_OP] = s.P1; }
/** Arithmetic: CC_DST = T0 (result), CC_SRC = T1 (operand). P1 = CC_OP. */
export function op_update2_cc(s: OpState): void { s.env[CC_DST] = s.T0; s.env[CC_SRC] = s.T1; s.env[CC_OP] = s.P1; }
/** adc/sbb: also CC_SRC2 = T2 (the carry in). */
export function op_update3_cc(s: OpState): void { s.env[CC_DST] = s.T0; s.env[CC_SRC] = s.T1; s.env[CC_SRC2] = s.T2; s.env[CC_OP] = s.P1; }
/** inc/dec: CC_DST = T0, CC_SRC = T2 (the CF before, which they keep). */
export function op_update_inc_cc(s: OpState): void { s.env[CC_DST] = s.T0; s.env[CC_SRC] = s.T2; s.env[CC_OP] = s.P1; }
/** CC_DST = T3 (bsf/bsr: ZF from the source). */
export function op_update1_cc_T3(s: OpState): void { s.env[CC_DST] = s.T3; s.env[CC_OP] = s.P1; }

/** T0 = the arithmetic flags. */
export function op_compute_eflags_T0(s: OpState): void {
  s.T0 = helper_cc_compute_all(s.env[CC_OP], s.env[CC_SRC], s.env[CC_DST], s.env[CC_SRC2]);
}
/** T2 = CF (0 or 1): adc, sbb, and what inc/dec keep. */
export function op_compute_cf_T2(s: OpState): void {
  s.T2 = helper_cc_compute_all(s.env[CC_OP], s.env[CC_SRC], s.env[CC_DST], s.env[CC_SRC2]) & 1;
}

/** The whole EFLAGS into T0 (pushf). */
export function op_read_eflags_T0(s: OpState): void {
  const cc = helper_cc_compute_all(s.env[CC_OP], s.env[CC_SRC], s.env[CC_DST], s.env[CC_SRC2]);
  s.T0 = cc | (s.env[DF] < 0 ? 0x400 : 0) | s.env[EFLAGS_REST];
}

/**
 * EFLAGS from T0 (popf), the bits in P1 only (the arithmetic flags, DF, and at user level TF AC
 * ID; a 16-bit popf keeps the upper half).
 */
export function op_write_eflags_T0(s: OpState): void {
  const m = s.P1;
  const cc = helper_cc_compute_all(s.env[CC_OP], s.env[CC_SRC], s.env[CC_DST], s.env[CC_SRC2]);
  s.env[CC_SRC] = ((cc & ~m) | (s.T0 & m)) & 0x8d5;
  s.env[CC_DST] = 0;
  s.env[CC_OP] = CC_OP_EFLAGS;
  if ((m & 0x400) !== 0) s.env[DF] = (s.T0 & 0x400) !== 0 ? -1 : 1;
  s.env[EFLAGS_REST] = (s.env[EFLAGS_REST] & ~(m & 0x240100)) | (s.T0 & m & 0x240100);
}

/** The arithmetic flags from T0, those in P1 only (sahf: SF ZF AF PF CF). */
export function op_set_flags_T0(s: OpState): void {
  const cc = helper_cc_compute_all(s.env[CC_OP], s.env[CC_SRC], s.env[CC_DST], s.env[CC_SRC2]);
  s.env[CC_SRC] = (cc & ~s.P1) | (s.T0 & s.P1);
  s.env[CC_DST] = 0;
  s.env[CC_OP] = CC_OP_EFLAGS;
}

/** CF = T2, the other flags kept (bt, bts, btr, btc). */
export function op_set_cf_T2(s: OpState): void {
  const cc = helper_cc_compute_all(s.env[CC_OP], s.env[CC_SRC], s.env[CC_DST], s.env[CC_SRC2]);
  s.env[CC_SRC] = (cc & ~1) | (s.T2 & 1);
  s.env[CC_DST] = 0;
  s.env[CC_OP] = CC_OP_EFLAGS;
}

/** clc (P1 0), stc (1), cmc (2). */
export function op_modify_cf(s: OpState): void {
  const cc = helper_cc_compute_all(s.env[CC_OP], s.env[CC_SRC], s.env[CC_DST], s.env[CC_SRC2]);
  const cf = s.P1 === 2 ? (cc & 1) ^ 1 : s.P1;
  s.env[CC_SRC] = (cc & ~1) | cf;
  s.env[CC_DST] = 0;
  s.env[CC_OP] = CC_OP_EFLAGS;
}

/** cld (P1 = 1), std (P1 = -1). */
export function op_set_df(s: OpState): void { s.env[DF] = s.P1; }
/** T2 = DF << P1: the string instructions' step for a size of 1 << P1 bytes. */
export function op_movl_T2_df_shifted(s: OpState): void { s.T2 = s.env[DF] << s.P1; }

/**
 * T0 = 1 if condition `cond` (the low nibble of jcc/setcc/cmovcc: O NO B AE E NE BE A S NS P
 * NP L GE LE G) holds for the flags in T0, else 0.
 * @expand cond 0..15
 */
export function op_test_eflags_cond$(s: OpState, cond: number): void {
  const f = s.T0;
  const cf = (f & 1) !== 0, zf = (f & 0x40) !== 0, sf = (f & 0x80) !== 0, of = (f & 0x800) !== 0, pf = (f & 4) !== 0;
  let r = false;
  const c = cond >> 1;
  if (c === 0) r = of;
  else if (c === 1) r = cf;
  else if (c === 2) r = zf;
  else if (c === 3) r = cf || zf;
  else if (c === 4) r = sf;
  else if (c === 5) r = pf;
  else if (c === 6) r = sf !== of;
  else r = zf || sf !== of;
  if ((cond & 1) !== 0) r = !r;
  s.T0 = r ? 1 : 0;
}

/**
 * The same after a sub or cmp the translator saw (CC_OP is SUBB, SUBW or SUBL): the condition
 * from the operands directly, with no flags computed. Only the conditions that need no PF or AF.
 * P1 = 32 - the operand's bits: shifted to the top of the word, a byte or word operation's
 * operands give its flags by the 32-bit formulas.
 * @expand cond 0..15
 */
export function op_test_sub_cond$(s: OpState, cond: number): void {
  const dst = s.env[CC_DST] << s.P1, src = s.env[CC_SRC] << s.P1;
  const src1 = (dst + src) | 0;
  const c = cond >> 1;
  let r = false;
  if (c === 0) r = ((src1 ^ src) & (src1 ^ dst)) < 0;
  else if (c === 1) r = (src1 >>> 0) < (src >>> 0);
  else if (c === 2) r = dst === 0;
  else if (c === 3) r = (src1 >>> 0) <= (src >>> 0);
  else if (c === 4) r = dst < 0;
  else if (c === 6) r = src1 < src;
  else r = src1 <= src;
  if ((cond & 1) !== 0) r = !r;
  s.T0 = r ? 1 : 0;
}

/**
 * After a logic operation (CC_OP is LOGICB, LOGICW or LOGICL: CF = OF = 0); P1 as for
 * op_test_sub_cond$.
 * @expand cond 0..15
 */
export function op_test_logic_cond$(s: OpState, cond: number): void {
  const dst = s.env[CC_DST] << s.P1;
  const c = cond >> 1;
  let r = false;
  if (c === 2 || c === 3) r = dst === 0;
  else if (c === 4 || c === 6) r = dst < 0;
  else if (c === 7) r = dst <= 0;
  if ((cond & 1) !== 0) r = !r;
  s.T0 = r ? 1 : 0;
}

/**
 * T2 = CF after a 32-bit add, adc, sub or sbb the translator saw (`kind` its CC kind): the carry
 * of adc/sbb chains (64-bit arithmetic) without calling helper_cc_compute_all. The same formulas
 * as the helper's, for operands the block itself recorded.
 * @expand kind 1,2,3,4
 */
export function op_compute_cf_l_T2_kind$(s: OpState, kind: number): void {
  const dst = s.env[CC_DST], src = s.env[CC_SRC], carry = s.env[CC_SRC2];
  if (kind === CC_KIND_ADD) s.T2 = (dst >>> 0) < (src >>> 0) ? 1 : 0;
  else if (kind === CC_KIND_ADC) {
    const s1 = (dst - src - carry) | 0;
    s.T2 = (carry !== 0 ? (dst >>> 0) <= (s1 >>> 0) : (dst >>> 0) < (s1 >>> 0)) ? 1 : 0;
  } else if (kind === CC_KIND_SUB) {
    const s1 = (dst + src) | 0;
    s.T2 = (s1 >>> 0) < (src >>> 0) ? 1 : 0;
  } else {
    const s1 = (dst + src + carry) | 0;
    s.T2 = (carry !== 0 ? (s1 >>> 0) <= (src >>> 0) : (s1 >>> 0) < (src >>> 0)) ? 1 : 0;
  }
}

/** T0 = T2 ^ P1: jb/jae (P1 0/1) from a CF that op_compute_cf_l_T2_kind$ computed. */
export function op_test_cf_T2(s: OpState): void { s.T0 = s.T2 ^ s.P1; }

/**
 * After a 32-bit sbb the translator saw (the high words of a 64-bit compare): T0 = SF != OF,
 * jl (P1 0) or jge (P1 1), by helper_cc_compute_all's formulas.
 */
export function op_test_sbbl_lt(s: OpState): void {
  const dst = s.env[CC_DST], src = s.env[CC_SRC];
  const src1 = (dst + src + s.env[CC_SRC2]) | 0;
  const lt = (dst < 0) !== (((src1 ^ src) & (src1 ^ dst)) < 0);
  s.T0 = (lt ? 1 : 0) ^ s.P1;
}

/** T2 = CF after inc/dec (which keep the CF they found, in CC_SRC). */
export function op_compute_cf_inc_T2(s: OpState): void { s.T2 = s.env[CC_SRC] & 1; }
