/** Compare and set: T0 = (T0 <cond> T1) ? 1 : 0 (target-independent). */
import type { OpState } from './core.js';

export function op_seteq_T0_T1(s: OpState): void { s.T0 = s.T0 === s.T1 ? 1 : 0; }
export function op_setne_T0_T1(s: OpState): void { s.T0 = s.T0 !== s.T1 ? 1 : 0; }
export function op_setlt_T0_T1(s: OpState): void { s.T0 = s.T0 < s.T1 ? 1 : 0; }
export function op_setle_T0_T1(s: OpState): void { s.T0 = s.T0 <= s.T1 ? 1 : 0; }
export function op_setltu_T0_T1(s: OpState): void { s.T0 = (s.T0 >>> 0) < (s.T1 >>> 0) ? 1 : 0; }
export function op_setleu_T0_T1(s: OpState): void { s.T0 = (s.T0 >>> 0) <= (s.T1 >>> 0) ? 1 : 0; }
