/** Signal system calls (signal.ts holds the state and the frames). */
import type { SyscallTable } from '../syscall.js';

export const signalSyscalls: SyscallTable = {};
