/** Out-of-line helpers of the ARM ops (QEMU's helper_*): plain TypeScript, called from snippets. */
import type { OpState } from '../core.js';
import { EXCEPTION } from './state.js';

/** Record a pending exception for the exec loop (which takes it between blocks). */
export function helper_exception(s: OpState, excp: number): void {
  s.env[EXCEPTION] = excp;
}
