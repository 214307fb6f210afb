/**
 * fork for an emulator that cannot fork itself (Node): a child emulator process is started
 * and rebuilt from a copy of the parent's state, as Cygwin implements fork.
 */
import type { ProcessEnd } from './process.js';

export async function resumeForkedChild(_stateFile: string): Promise<ProcessEnd> {
  throw new Error('fork is not implemented yet');
}
