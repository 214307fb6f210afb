/** Process system calls: exit, identity, and (fork.ts) fork, execve, wait. */
import type { SyscallTable } from '../syscall.js';

export const processSyscalls: SyscallTable = {
  exit: { args: ['d'], run: (p, status) => p.terminate({ exitCode: status & 0xff }) },
  exit_group: { args: ['d'], run: (p, status) => p.terminate({ exitCode: status & 0xff }) },
  getpid: { args: [], run: (p) => p.pid },
  gettid: { args: [], run: (p) => p.pid },
  set_tid_address: { args: ['p'], run: (p, ptr) => { p.clearChildTid = ptr >>> 0; return p.pid; } },
};
