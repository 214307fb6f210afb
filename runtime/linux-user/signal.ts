/**
 * Guest signals (qemu-user's signal.c): dispositions, the blocked mask, pending signals, and
 * delivery on ARM Linux signal frames. Synchronous faults (SIGSEGV, SIGILL…) are forced on the
 * guest at the faulting instruction; asynchronous ones are taken between translation blocks.
 */
import type { LinuxProcess } from './process.js';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
  SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16,
  SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24,
  SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
export const NSIG = 64;

/** si_code values. */
export const SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;
export const ILL_ILLOPC = 1;
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2;
export const TRAP_BRKPT = 1;

/** What a signal handler's siginfo_t carries (the fields user-mode emulation fills). */
export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for faults; si_pid/si_uid for kill; si_status for SIGCHLD. */
  addr?: number;
  pid?: number;
  uid?: number;
  status?: number;
}

/**
 * The interface the rest of user mode uses (process.ts, the system calls, fork.ts):
 * force() for synchronous faults, queue() for everything else, deliverPending() between
 * blocks, resetForExec() at execve, serialize()/deserialize() to carry the state into a
 * forked child.
 */
export class SignalState {
  /** Reset handlers to their defaults at execve (ignored signals stay ignored). */
  resetForExec(): void {}

  /** A synchronous fault at the current instruction: deliver it now. */
  force(p: LinuxProcess, sig: number, _code: number, _addr: number): void {
    p.terminate({ signal: sig, core: true });
  }

  /** Make `sig` pending (kill, EPIPE's SIGPIPE, a host signal); it is taken between blocks. */
  queue(_info: SigInfo): void {}

  /** Deliver pending asynchronous signals that are not blocked (between blocks). */
  deliverPending(_p: LinuxProcess): void {}

  /** The state a forked child inherits (dispositions, mask; not pending signals), as JSON. */
  serialize(): unknown { return {}; }
  static deserialize(_data: unknown): SignalState { return new SignalState(); }
}

const SIGNAL_NAMES: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted',
  7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1', 11: 'Segmentation fault',
  12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated',
};
/** strsignal's text. */
export function signalName(sig: number): string { return SIGNAL_NAMES[sig] ?? `Signal ${sig}`; }
/** Signals whose default action dumps core (qemu-user reports them as "core dumped"). */
export const CORE_SIGNALS = new Set([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS]);
