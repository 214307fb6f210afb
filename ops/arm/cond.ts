/** ARM condition codes (EQ..LE) evaluated on the flags: one op per condition. */
import type { OpState } from '../core.js';
import { CF, NF, VF, ZF } from './state.js';

/** Condition field values of the ARM encoding. */
export const COND_EQ = 0, COND_NE = 1, COND_CS = 2, COND_CC = 3, COND_MI = 4, COND_PL = 5, COND_VS = 6;
export const COND_VC = 7, COND_HI = 8, COND_LS = 9, COND_GE = 10, COND_LT = 11, COND_GT = 12, COND_LE = 13;

/**
 * T0 = 1 if condition `cond` holds, else 0. A conditional region (IF_T0, runtime/op-table.ts)
 * then runs a conditional instruction; with brcond_T0 it is a conditional branch.
 * @expand cond 0..13
 */
export function op_test_cond$(s: OpState, cond: number): void {
  const z = s.env[ZF] === 0, c = s.env[CF] !== 0, n = s.env[NF] < 0, v = s.env[VF] < 0;
  let r = false;
  if (cond === COND_EQ) r = z;
  else if (cond === COND_NE) r = !z;
  else if (cond === COND_CS) r = c;
  else if (cond === COND_CC) r = !c;
  else if (cond === COND_MI) r = n;
  else if (cond === COND_PL) r = !n;
  else if (cond === COND_VS) r = v;
  else if (cond === COND_VC) r = !v;
  else if (cond === COND_HI) r = c && !z;
  else if (cond === COND_LS) r = !c || z;
  else if (cond === COND_GE) r = n === v;
  else if (cond === COND_LT) r = n !== v;
  else if (cond === COND_GT) r = !z && n === v;
  else r = z || n !== v;
  s.T0 = r ? 1 : 0;
}
