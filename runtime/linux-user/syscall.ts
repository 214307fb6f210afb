/**
 * The system call table of user-mode emulation (qemu-user's do_syscall): each call is defined
 * once, by name, with its argument formats for -strace and its implementation; the target's
 * number table (LinuxTarget.syscallNumbers) gives the numbers. Definitions live by subject in
 * syscalls/*.ts, and the architecture's own calls in its target. A number without a
 * definition returns -ENOSYS, and -strace shows it.
 */
import type { LinuxProcess } from './process.js';
import { GuestFault } from './memory.js';
import { EFAULT, ENOSYS } from './errno.js';

/**
 * How -strace prints one argument (see strace.ts): 'd' signed, 'u' unsigned, 'x' hex, 'p'
 * pointer, 's' string, 'o' octal mode, 'fd', 'oflags' open flags, 'sig' signal, …; a name
 * strace.ts does not know prints as hex.
 */
export type ArgFormat = string;

export interface SyscallDef {
  args: ArgFormat[];
  /** -strace prints the result as hex (addresses) rather than decimal. */
  hexResult?: boolean;
  /**
   * The padding argument that ABIs which pass 64-bit values in even register pairs (the ARM
   * EABI) put before such a pair; definitions are written with it, and on a target without
   * aligned pairs (LinuxTarget.alignsRegisterPairs false) process.ts inserts a 0 there.
   */
  pairPad?: number;
  /**
   * The call, with the guest's argument registers (as signed 32-bit values). Returns the
   * result for the result register (negative errno for failures), or undefined when it must be
   * left alone (execve and sigreturn replace all registers; exit does not return).
   */
  run(p: LinuxProcess, ...a: number[]): number | undefined;
}

export type SyscallTable = Record<string, SyscallDef>;

/** A guest fault while reading or writing call arguments is EFAULT, as copy_from_user gives. */
export function guarded(run: () => number | undefined): number | undefined {
  try {
    return run();
  } catch (e) {
    if (e instanceof GuestFault) return -EFAULT;
    throw e;
  }
}

export interface SyscallEntry extends SyscallDef {
  name: string;
  nr: number;
}

/** Join the definitions with the target's numbers; every defined name must have a number. */
export function buildSyscallTable(numbers: Readonly<Record<string, number>>, ...groups: SyscallTable[]): Map<number, SyscallEntry> {
  const byNr = new Map<number, SyscallEntry>();
  for (const group of groups) {
    for (const [name, def] of Object.entries(group)) {
      const nr = numbers[name];
      if (nr === undefined) throw new Error(`system call ${name} has no number on this target`);
      if (byNr.has(nr)) throw new Error(`system call ${name} is defined twice`);
      byNr.set(nr, { ...def, name, nr });
    }
  }
  return byNr;
}

/** The name of a system call number (for -strace of calls without a definition). */
export function syscallName(numbers: Readonly<Record<string, number>>, nr: number): string {
  for (const [name, n] of Object.entries(numbers)) if (n === nr) return name;
  return `syscall_${nr}`;
}

export const UNDEFINED_SYSCALL: SyscallDef = { args: ['x', 'x', 'x', 'x', 'x', 'x'], run: () => -ENOSYS };
