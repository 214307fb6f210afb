/** Every system call definition, by subject; process.ts joins them (and the target's own) with the target's numbers. */
import type { SyscallTable } from '../syscall.js';
import { fileSyscalls } from './files.js';
import { memorySyscalls } from './memory.js';
import { miscSyscalls } from './misc.js';
import { pollSyscalls } from './poll.js';
import { processSyscalls } from './process.js';
import { schedSyscalls } from './sched.js';
import { signalSyscalls } from './signals.js';
import { statSyscalls } from './stat.js';
import { terminalSyscalls } from './terminal.js';
import { timeSyscalls } from './time.js';

export const ALL_SYSCALLS: SyscallTable[] = [
  fileSyscalls, statSyscalls, terminalSyscalls, pollSyscalls, memorySyscalls, miscSyscalls, processSyscalls, schedSyscalls, signalSyscalls, timeSyscalls,
];
