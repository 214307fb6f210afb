/**
 * EFLAGS as a whole, from the lazy flags (CC_OP, CC_SRC, CC_DST, CC_SRC2: QEMU's cc_op), the
 * direction flag and the other bits: for whoever reads or sets the register outside the ops
 * (the CPU's dump, signal frames, the gdb stub). pushf and popf are ops (ops/i386/flags.ts).
 */
import { CC_DST, CC_OP, CC_OP_EFLAGS, CC_SRC, CC_SRC2, DF, EFLAGS_REST } from '../../ops/i386/state.js';
import { helper_cc_compute_all } from '../../ops/i386/helpers.js';

/** The arithmetic flags. */
const CC_BITS = 0x8d5;
/** The other bits the state holds (TF, IF, AC, ID). */
const REST_BITS = 0x240300;

export function readEflags(env: Int32Array): number {
  return (helper_cc_compute_all(env[CC_OP], env[CC_SRC], env[CC_DST], env[CC_SRC2]) | (env[DF] < 0 ? 0x400 : 0) | env[EFLAGS_REST]) >>> 0;
}

/** Set the bits of EFLAGS that `mask` selects (of the arithmetic flags, DF, TF, IF, AC and ID) to `value`'s. */
export function writeEflags(env: Int32Array, value: number, mask: number): void {
  const merged = (readEflags(env) & ~mask) | (value & mask);
  env[CC_SRC] = merged & CC_BITS;
  env[CC_DST] = 0;
  env[CC_OP] = CC_OP_EFLAGS;
  env[DF] = merged & 0x400 ? -1 : 1;
  env[EFLAGS_REST] = (env[EFLAGS_REST] & ~(mask & REST_BITS)) | (merged & mask & REST_BITS);
}
