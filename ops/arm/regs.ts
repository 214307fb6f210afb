/** Moves between ARM guest registers (env words R0..R15) and temps, one op per register. */
import type { OpState } from '../core.js';
import { R0 } from './state.js';

/** @expand reg 0..15 */
export function op_movl_T0_r$(s: OpState, reg: number): void { s.T0 = s.env[R0 + reg]; }
/** @expand reg 0..15 */
export function op_movl_T1_r$(s: OpState, reg: number): void { s.T1 = s.env[R0 + reg]; }
/** @expand reg 0..15 */
export function op_movl_T2_r$(s: OpState, reg: number): void { s.T2 = s.env[R0 + reg]; }
/** @expand reg 0..15 */
export function op_movl_r$_T0(s: OpState, reg: number): void { s.env[R0 + reg] = s.T0; }
/** @expand reg 0..15 */
export function op_movl_r$_T1(s: OpState, reg: number): void { s.env[R0 + reg] = s.T1; }
/** @expand reg 0..15 */
export function op_movl_T3_r$(s: OpState, reg: number): void { s.T3 = s.env[R0 + reg]; }
