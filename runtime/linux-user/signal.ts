/**
 * Guest signals (qemu-user's signal.c): dispositions, the blocked mask, pending signals, and
 * delivery on the target's signal frames (LinuxTarget.setupSignalFrame). Synchronous faults (SIGSEGV,
 * SIGILL…) are forced on the guest at the faulting instruction; asynchronous ones are taken
 * on the way back from a system call (as the kernel's ret_to_user does) or between the run
 * loop's slices.
 *
 * Where signals come from:
 * - the guest itself: kill/tkill/tgkill to its own pid, raise(), abort();
 * - the kernel: SIGPIPE for a write that fails with EPIPE (the host ignores SIGPIPE, as Node
 *   does, so the host call just fails), SIGALRM when ITIMER_REAL's deadline passes (checked
 *   after every system call, every slice, and by blocking waits);
 * - the host: when the guest handles, ignores or blocks a signal that can come from outside
 *   (SIGINT, SIGTERM, SIGHUP, SIGUSR1…), a Node `process.on()` listener takes the host signal
 *   and queues it; Node runs listeners when the run loop yields (about every 20 ms). With the
 *   default action and the signal not blocked there is no listener: the host's default action
 *   ends the emulator, which is what the guest's death by that signal looks like.
 *
 * Blocking waits (pause, sigsuspend, rt_sigtimedwait) cannot let Node's event loop turn from
 * inside a system call, so they sleep in slices: when a slice ends with nothing to take, the
 * call is restarted (pc back on the system call instruction, as for -ERESTARTNOHAND) after the run loop has
 * yielded, so host-signal listeners run in between. Without host listeners a wait sleeps until
 * the timer's deadline (or forever, as nothing could wake it). Reads and writes on pipes and
 * terminals wait in slices too (syscalls/blocking.ts). Limits: other host calls that block are
 * not interrupted by a guest signal, and nanosleep is not cut short; ITIMER_VIRTUAL and
 * ITIMER_PROF are kept but never fire.
 */
import { writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { LinuxProcess } from './process.js';
import type { SyscallCall } from './target.js';
import { GuestFault, type GuestMemory } from './memory.js';
import { host } from './host.js';
import { EINTR, EPIPE } from './errno.js';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
  SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16,
  SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24,
  SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
export const NSIG = 64;
export const SIGRTMIN = 32;

/** si_code values. */
export const SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TKILL = -6;
export const ILL_ILLOPC = 1, ILL_ILLOPN = 2;
export const FPE_INTDIV = 1;
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2;
export const BUS_ADRERR = 2;
export const TRAP_BRKPT = 1;

/** Handler values and sa_flags (asm-generic's, which ARM and i386 share). */
export const SIG_DFL = 0, SIG_IGN = 1;
export const SA_NOCLDSTOP = 0x1, SA_NOCLDWAIT = 0x2, SA_SIGINFO = 0x4, SA_RESTORER = 0x04000000,
  SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000 | 0;
/** sigaltstack's ss_flags and the smallest stack it takes (ARM and i386 alike). */
export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31, MINSIGSTKSZ = 2048;
/** Kernel-internal results: the call is restarted, or fails with EINTR when a handler runs. */
export const ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514, ERESTART_RESTARTBLOCK = 516;

/** What a signal handler's siginfo_t carries (the fields user-mode emulation fills). */
export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for faults; si_pid/si_uid for kill; si_status for SIGCHLD; si_value for sigqueue. */
  addr?: number;
  pid?: number;
  uid?: number;
  status?: number;
  value?: number;
}

/** A guest sigaction (the kernel's struct sigaction: the same fields on ARM and i386). */
export interface SigAction {
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

export interface AltStack { sp: number; flags: number; size: number }

/** The bit of `sig` in a 64-bit mask (signal 1 is bit 0). */
export const sigBit = (sig: number): bigint => 1n << BigInt(sig - 1);
const UNBLOCKABLE = sigBit(SIGKILL) | sigBit(SIGSTOP);
const MASK64 = (1n << 64n) - 1n;

/** Default actions (signal(7)). */
const IGNORED_BY_DEFAULT = new Set([SIGCHLD, SIGURG, SIGWINCH, SIGCONT]);
const STOP_SIGNALS = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);

/** Signals that can come from outside and that Node lets us listen for. */
const HOST_SIGNALS = new Map<number, NodeJS.Signals>();
for (const sig of [SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGCHLD, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU,
  SIGURG, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGIO, SIGPWR, SIGSYS]) {
  const name = Object.entries(osConstants.signals).find(([, n]) => n === sig)?.[0];
  if (name) HOST_SIGNALS.set(sig, name as NodeJS.Signals);
}

/**
 * System calls after which an EPIPE raises SIGPIPE, by name, with the argument that holds
 * send's flags (MSG_NOSIGNAL spares the signal), -1 for calls without flags.
 */
const WRITE_CALLS = new Map<string, number>([
  ['write', -1], ['writev', -1], ['pwrite64', -1], ['pwritev', -1], ['send', 3], ['sendto', 3], ['sendmsg', 2], ['sendmmsg', 3],
]);
const MSG_NOSIGNAL = 0x4000;
const WAIT_CALLS = new Set(['wait4', 'waitid']);

/** The size of a 32-bit siginfo_t. */
export const SIGINFO_SIZE = 128;

/** The 32-bit siginfo_t (the same on ARM and i386): signo, errno, code, then the union at 12. */
export function writeSiginfo(mem: GuestMemory, addr: number, info: SigInfo): void {
  const out = mem.writable(addr, SIGINFO_SIZE);
  out.fill(0);
  const v = new DataView(out.buffer, out.byteOffset, SIGINFO_SIZE);
  v.setInt32(0, info.signo, true);
  v.setInt32(8, info.code, true);
  if (info.addr !== undefined) {
    v.setUint32(12, info.addr >>> 0, true); // _sigfault.si_addr
  } else {
    v.setInt32(12, info.pid ?? 0, true); // _kill / _rt / _sigchld: si_pid, si_uid
    v.setUint32(16, info.uid ?? 0, true);
    if (info.status !== undefined) v.setInt32(20, info.status, true); // _sigchld.si_status
    else if (info.value !== undefined) v.setInt32(20, info.value, true); // _rt.si_sigval
  }
}

// Made at the first sleep: a V8 start-up snapshot (runtime/cli/snapshot.ts) is built without SharedArrayBuffer.
let sleeper: Int32Array | undefined;
function sleepMs(ms: number): void { if (ms > 0) Atomics.wait(sleeper ??= new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); }

const defaultAction = (): SigAction => ({ handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n });

/** A wait that was restarted to let the event loop turn: its deadline carries over. */
interface RestartedWait { pc: number; deadline: number }

/**
 * The interface the rest of user mode uses (process.ts, the system calls, fork.ts):
 * force() for synchronous faults, queue() for everything else, deliverPending() between
 * blocks, resetForExec() at execve, serialize()/deserialize() to carry the state into a
 * forked child.
 */
export class SignalState {
  /** Dispositions by signal number (index 0 unused). */
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, defaultAction);
  /** The blocked mask (bit sig - 1). */
  private blockedMask = 0n;
  /** Pending signals: standard ones coalesce, real-time ones queue. */
  private readonly pending: SigInfo[][] = Array.from({ length: NSIG + 1 }, () => []);
  private pendingMask = 0n;
  altStack: AltStack = { sp: 0, flags: SS_DISABLE, size: 0 };
  /** ITIMER_REAL: deadline (performance.now() ms, 0 disarmed) and interval (ms); the others are only stored. */
  private realDeadline = 0;
  private realInterval = 0;
  readonly otherTimers = new Map<number, [number, number]>();
  /** sigsuspend's caller's mask, while the call runs with its temporary one. */
  private savedMask: bigint | undefined;
  /** The last call was sigreturn: the result register is the guest's, not a result to restart. */
  private returnedFromHandler = false;
  /** The instruction of a call restarted after a yield: take no signal before it runs again. */
  private holdPc: number | undefined;
  restartedWait?: RestartedWait;
  /** The pc of a sigprocmask call restarted so that host signals reach their listeners first. */
  unblockRestartPc?: number;
  private yieldRequested = false;
  /**
   * What the call that just returned a restart has done so far (a blocking write's bytes,
   * syscalls/blocking.ts): its result instead of the restart or EINTR if a signal is taken now,
   * as the kernel returns the bytes written before the signal.
   */
  partialResult: number | undefined;
  private readonly listeners = new Map<number, () => void>();
  private readonly listenerRemovals = new Map<number, NodeJS.Immediate>();


  /** Stop listening for host signals (a state that a forked child's deserialized one replaces). */
  dispose(): void {
    for (const [sig, listener] of this.listeners) process.removeListener(HOST_SIGNALS.get(sig)!, listener);
    for (const removal of this.listenerRemovals.values()) clearImmediate(removal);
    this.listeners.clear();
    this.listenerRemovals.clear();
  }

  get blocked(): bigint { return this.blockedMask; }
  set blocked(mask: bigint) {
    const old = this.blockedMask;
    this.blockedMask = mask & MASK64 & ~UNBLOCKABLE;
    const changed = old ^ this.blockedMask;
    if (changed) for (const sig of HOST_SIGNALS.keys()) if (changed & sigBit(sig)) this.syncHostListener(sig);
  }

  /** Pending signals (the set rt_sigpending reports is this & blocked). */
  get pendingSet(): bigint { return this.pendingMask; }

  /** Reset handlers to their defaults at execve (ignored signals stay ignored). */
  resetForExec(): void {
    for (let sig = 1; sig <= NSIG; sig++) {
      const a = this.actions[sig];
      if (a.handler !== SIG_IGN) this.actions[sig] = defaultAction();
      else { a.flags = 0; a.restorer = 0; a.mask = 0n; }
      this.syncHostListener(sig);
    }
    this.altStack = { sp: 0, flags: SS_DISABLE, size: 0 };
    this.savedMask = undefined;
    this.restartedWait = undefined;
  }

  // --- dispositions --------------------------------------------------------------------------
  /** sigaction's effect: the new disposition, pending signals it ignores dropped, host listener updated. */
  setAction(sig: number, act: SigAction): void {
    this.actions[sig] = { ...act, mask: act.mask & MASK64 & ~UNBLOCKABLE };
    if (this.ignores(sig)) this.discard(sig);
    this.syncHostListener(sig);
  }

  /** Whether a `sig` sent now would be dropped (ignored, explicitly or by default). */
  private ignores(sig: number): boolean {
    const h = this.actions[sig].handler;
    return h === SIG_IGN || (h === SIG_DFL && IGNORED_BY_DEFAULT.has(sig));
  }

  private discard(sig: number): void {
    this.pending[sig] = [];
    this.pendingMask &= ~sigBit(sig);
  }

  /**
   * Keep a host listener for `sig` while the guest handles, ignores or blocks it, so that the
   * host signal reaches the guest (or is ignored) instead of ending the emulator.
   */
  private syncHostListener(sig: number): void {
    const name = HOST_SIGNALS.get(sig);
    if (!name) return;
    // Without a listener the host's default action applies, as it would to the program
    // (SIGUSR1's too: host.ts resets Node's inspector handler at start-up).
    const want = this.actions[sig].handler !== SIG_DFL || (this.blockedMask & sigBit(sig)) !== 0n;
    const removal = this.listenerRemovals.get(sig);
    if (want && removal) { clearImmediate(removal); this.listenerRemovals.delete(sig); }
    const have = this.listeners.get(sig);
    if (want && !have) {
      const listener = (): void => this.queue({ signo: sig, code: SI_USER });
      this.listeners.set(sig, listener);
      process.on(name, listener);
    } else if (!want && have && !removal) {
      // Not at once: a host signal that came while it was wanted may still wait in libuv for
      // the event loop to turn; it reaches the listener first (and takes the default action).
      this.listenerRemovals.set(sig, setImmediate(() => {
        this.listenerRemovals.delete(sig);
        this.listeners.delete(sig);
        process.removeListener(name, have);
      }));
    }
  }

  /** Whether the run loop must let Node's event loop turn now (process.ts asks after each slice). */
  takeYieldRequest(): boolean {
    const r = this.yieldRequested;
    this.yieldRequested = false;
    return r;
  }

  /**
   * Whether unblocking `mask` (the bits sigprocmask clears) must first let the event loop turn:
   * a host signal that came while blocked waits in libuv for it, and must be pending when the
   * mask drops, as in the kernel.
   */
  unblockNeedsYield(unblocked: bigint): boolean {
    for (const sig of this.listeners.keys()) if (unblocked & sigBit(sig)) return true;
    return false;
  }

  /** Whether a host signal could arrive through a listener (blocking waits then sleep in slices). */
  /**
   * Whether a host signal the guest handles or blocks could arrive through a listener (blocking
   * calls then wait in slices; see syscalls/blocking.ts). SIGALRM comes from the timer, and
   * SIGUSR1 with its default action only needs to end the emulator some time.
   */
  get hasHostListeners(): boolean { return this.waitSlice <= 100; }

  /**
   * How long a blocking wait may sleep before letting host-signal listeners run: 100 ms when
   * the guest handles or blocks host signals, 1 s for the SIGUSR1 listener alone (its default
   * action), without limit when only the timer can wake the wait.
   */
  private get waitSlice(): number {
    let slice = Infinity;
    for (const sig of this.listeners.keys()) {
      // SIGALRM comes from our own timer; a host SIGALRM from elsewhere waits for the next slice.
      if (sig === SIGALRM) continue;
      slice = Math.min(slice, sig === SIGUSR1 && this.actions[sig].handler === SIG_DFL && !(this.blockedMask & sigBit(sig)) ? 1000 : 100);
    }
    return slice;
  }

  /** The kernel's signal_pending(): a signal that is not blocked waits to be taken (the timer checked first). */
  signalPending(): boolean {
    this.checkTimers();
    return this.nextPending(this.blockedMask) !== 0;
  }

  /**
   * What a wait (pause, sigsuspend) returns: -EINTR when the signal now pending runs a handler,
   * else -ERESTARTNOHAND (afterSyscall restarts the call, taking a default action first).
   */
  waitResult(): number {
    this.checkTimers();
    const sig = this.nextPending(this.blockedMask);
    const h = sig ? this.actions[sig].handler : SIG_DFL;
    return h !== SIG_DFL && h !== SIG_IGN ? -EINTR : -ERESTARTNOHAND;
  }

  // --- sending -------------------------------------------------------------------------------
  /**
   * With gdb attached (-g), a signal about to be taken waits here for gdb's decision, as QEMU's
   * gdb_handlesig: the run loop reports it and takes what gdb continues with (releaseHeld).
   */
  held?: { info: SigInfo; forced: boolean };

  /** Hold a signal for the debugger instead of taking it now; true if held. */
  private holdForDebugger(p: LinuxProcess, info: SigInfo, forced: boolean): boolean {
    if (!p.debugger?.attached) return false;
    this.held = { info, forced };
    p.cpu.leaveRun = true;
    return true;
  }

  /**
   * Take the held signal as gdb decided: `sig` is the signal it continued with (0: none, the
   * signal is dropped; a fault then happens again if its instruction runs again).
   */
  releaseHeld(p: LinuxProcess, sig: number): void {
    const held = this.held;
    this.held = undefined;
    if (!held || sig === 0) return;
    const info = sig === held.info.signo ? held.info : { signo: sig, code: SI_USER, pid: p.pid, uid: process.getuid?.() ?? 0 };
    if (held.forced && sig === held.info.signo) this.forceNow(p, info.signo, info.code, info.addr ?? 0);
    else this.take1(p, info, true);
  }

  /** A synchronous fault at the current instruction: deliver it now. */
  force(p: LinuxProcess, sig: number, code: number, addr: number): void {
    if (this.holdForDebugger(p, { signo: sig, code, addr }, true)) return;
    this.forceNow(p, sig, code, addr);
  }

  private forceNow(p: LinuxProcess, sig: number, code: number, addr: number): void {
    const bit = sigBit(sig);
    const act = this.actions[sig];
    if (act.handler === SIG_DFL || act.handler === SIG_IGN || this.blockedMask & bit) {
      // force_sig_info: a blocked or ignored fault cannot be taken; the default action runs.
      this.die(p, sig);
    }
    this.handle(p, { signo: sig, code, addr }, true);
  }

  /** Make `sig` pending (kill, EPIPE's SIGPIPE, a host signal); it is taken between blocks. */
  queue(info: SigInfo): void {
    const sig = info.signo;
    if (sig < 1 || sig > NSIG) return;
    const bit = sigBit(sig);
    if (!(this.blockedMask & bit) && this.ignores(sig)) return;
    if (sig < SIGRTMIN) {
      if (this.pendingMask & bit) return; // a standard signal is pending once
      this.pending[sig] = [info];
    } else {
      this.pending[sig].push(info);
    }
    this.pendingMask |= bit;
  }

  /** The lowest pending signal that `mask` does not block (0: none). */
  private nextPending(mask: bigint): number {
    const ready = this.pendingMask & ~mask;
    if (ready === 0n) return 0;
    for (let sig = 1; sig <= NSIG; sig++) if (ready & sigBit(sig)) return sig;
    return 0;
  }

  private dequeue(sig: number): SigInfo {
    const list = this.pending[sig];
    const info = list.shift() ?? { signo: sig, code: SI_USER };
    if (list.length === 0) this.pendingMask &= ~sigBit(sig);
    return info;
  }

  /** Take one pending signal of `set` for rt_sigtimedwait (undefined: none). */
  take(set: bigint): SigInfo | undefined {
    const sig = this.nextPending(~set);
    return sig ? this.dequeue(sig) : undefined;
  }

  // --- timers --------------------------------------------------------------------------------
  /** ITIMER_REAL's value and interval in milliseconds (value 0: disarmed). */
  getRealTimer(): [number, number] {
    return [this.realDeadline ? Math.max(this.realDeadline - performance.now(), 0.001) : 0, this.realInterval];
  }

  setRealTimer(valueMs: number, intervalMs: number): void {
    this.realDeadline = valueMs > 0 ? performance.now() + valueMs : 0;
    this.realInterval = valueMs > 0 ? intervalMs : 0;
  }

  /** Queue SIGALRM if ITIMER_REAL's deadline has passed. */
  private checkTimers(): void {
    if (this.realDeadline === 0) return;
    const now = performance.now();
    if (now < this.realDeadline) return;
    this.queue({ signo: SIGALRM, code: SI_KERNEL });
    if (this.realInterval > 0) {
      this.realDeadline += this.realInterval;
      if (this.realDeadline <= now) this.realDeadline = now + this.realInterval;
    } else {
      this.realDeadline = 0;
    }
  }

  // --- delivery ------------------------------------------------------------------------------
  /** Deliver pending asynchronous signals that are not blocked (between blocks). */
  deliverPending(p: LinuxProcess): void {
    // A restarted call runs again before anything is taken (pause must see what came meanwhile).
    if (this.holdPc !== undefined && p.target.getPc(p.cpu) === this.holdPc) return;
    this.holdPc = undefined;
    this.checkTimers();
    for (let guard = 0; guard < NSIG; guard++) {
      if (this.held) return;
      const sig = this.nextPending(this.blockedMask);
      if (!sig) return;
      this.take1(p, this.dequeue(sig));
    }
  }

  /** Act on one signal taken from the pending set: its handler, or its default action (gdb, if attached, decides first). */
  private take1(p: LinuxProcess, info: SigInfo, decided = false): boolean {
    if (!decided && this.holdForDebugger(p, info, false)) return false;
    const sig = info.signo;
    const act = this.actions[sig];
    if (act.handler === SIG_IGN) return false;
    if (act.handler === SIG_DFL) {
      if (IGNORED_BY_DEFAULT.has(sig)) return false;
      if (STOP_SIGNALS.has(sig)) {
        // Stop: the emulator stops as a whole (qemu-user does the same); SIGCONT resumes it.
        host.kill(process.pid, SIGSTOP);
        return false;
      }
      this.die(p, sig);
    }
    this.handle(p, info, false);
    return true;
  }

  /** The default action that ends the process. */
  private die(p: LinuxProcess, sig: number): never {
    return p.terminate({ signal: sig, core: CORE_SIGNALS.has(sig) });
  }

  /**
   * Called by process.ts after every system call, with the call as it was made: turns the
   * -ERESTART* results into a restart (pc back on the call's instruction) or -EINTR, queues
   * SIGPIPE for a write that met EPIPE, and takes the signals now pending, as the kernel does
   * on its way back to user space.
   */
  afterSyscall(p: LinuxProcess, call: SyscallCall & { name: string }): void {
    const { target, cpu } = p;
    this.holdPc = undefined;
    const partial = this.partialResult;
    this.partialResult = undefined;
    if (this.returnedFromHandler) {
      this.returnedFromHandler = false;
      this.deliverPending(p);
      return;
    }
    const r = target.syscallResult(cpu);
    if (r === -EPIPE) {
      const flagsArg = WRITE_CALLS.get(call.name);
      if (flagsArg !== undefined && (flagsArg < 0 || !(call.args[flagsArg] & MSG_NOSIGNAL))) {
        this.queue({ signo: SIGPIPE, code: SI_USER, pid: p.pid, uid: process.getuid?.() ?? 0 });
      }
    }
    if (r > 0 && WAIT_CALLS.has(call.name) && this.listeners.has(SIGCHLD)) {
      // A child was reaped: its exit sent the host SIGCHLD, which waits in libuv for the event
      // loop. Let it reach the listener before the guest goes on, as the kernel sends SIGCHLD
      // before the wait returns.
      p.cpu.leaveRun = true;
      this.yieldRequested = true;
    }
    if (r === -ERESTARTSYS || r === -ERESTARTNOINTR || r === -ERESTARTNOHAND || r === -ERESTART_RESTARTBLOCK) {
      this.checkTimers();
      const sig = this.nextPending(this.blockedMask);
      const act = sig ? this.actions[sig] : undefined;
      const handled = act !== undefined && act.handler !== SIG_DFL && act.handler !== SIG_IGN;
      if (sig && partial !== undefined) {
        target.setSyscallResult(cpu, partial); // part done: that is the result, restart or not
      } else if (handled && (r !== -ERESTARTSYS || !(act.flags & SA_RESTART)) && r !== -ERESTARTNOINTR) {
        target.setSyscallResult(cpu, -EINTR); // the handler runs, and the call fails
      } else {
        // Restart: back on the call's instruction with its registers (after the handler if one
        // runs; a default action ends the process or drops the signal).
        target.restartSyscall(cpu, call);
        if (this.savedMask !== undefined) { this.blocked = this.savedMask; this.savedMask = undefined; }
        if (!sig) {
          // Nothing to take: a blocking wait's slice ended (or sigprocmask waits for host
          // signals to reach their listeners). Let the run loop yield (listeners run then)
          // before the call runs again.
          p.cpu.leaveRun = true;
          this.holdPc = target.getPc(cpu);
          this.yieldRequested = true;
          return;
        }
      }
    }
    this.restartedWait = undefined;
    this.unblockRestartPc = undefined;
    this.deliverPending(p);
    // A sigsuspend whose wake-up was not a handler (cannot happen: it waits for one) keeps no mask.
    if (this.savedMask !== undefined) { this.blocked = this.savedMask; this.savedMask = undefined; }
  }

  /**
   * Block the thread until a signal outside `mask` is pending (true) or the wait's slice ends
   * (false: the caller restarts the call so that the event loop turns). `deadline` (ms,
   * performance.now()) ends the wait too.
   */
  waitForSignal(mask: bigint, deadline = Infinity): boolean {
    for (;;) {
      this.checkTimers();
      if (this.nextPending(mask)) return true;
      const now = performance.now();
      if (now >= deadline) return false;
      // With host listeners, slices let them run; otherwise only the timer can wake us.
      const sliceEnd = now + this.waitSlice;
      const until = Math.min(sliceEnd, deadline, this.realDeadline || Infinity);
      if (until === Infinity) { sleepMs(3600e3); continue; }
      sleepMs(until - now);
      if (until === sliceEnd && performance.now() >= sliceEnd) {
        this.checkTimers();
        return this.nextPending(mask) !== 0;
      }
    }
  }

  /** sigsuspend: run the wait with `mask` as the blocked set; the frame saves the caller's. */
  suspend(mask: bigint): void {
    this.savedMask ??= this.blockedMask;
    this.blocked = mask;
  }

  /** Whether `sp` is on the alternate signal stack. */
  onAltStack(sp: number): boolean {
    const { sp: base, size } = this.altStack;
    if (size === 0) return false;
    sp >>>= 0;
    return sp > base && sp - base <= size;
  }

  /** sigaltstack's ss_flags for the current stack pointer. */
  altStackFlags(sp: number): number {
    if (this.altStack.size === 0) return SS_DISABLE;
    return (this.onAltStack(sp) ? SS_ONSTACK : 0) | (this.altStack.flags & SS_AUTODISARM);
  }

  /** Push a frame for `info`'s handler and point the CPU at it (the kernel's handle_signal). */
  private handle(p: LinuxProcess, info: SigInfo, fault: boolean): void {
    const sig = info.signo;
    const act = this.actions[sig];
    const rt = (act.flags & SA_SIGINFO) !== 0;
    if (p.strace) writeSync(2, `--- ${signalId(sig)} ${siginfoText(info)} ---\n`);
    const oldMask = this.savedMask ?? this.blockedMask;
    this.savedMask = undefined;
    const sp0 = p.target.getSp(p.cpu);
    let sp = sp0;
    if (act.flags & SA_ONSTACK && this.altStack.size !== 0 && !this.onAltStack(sp)) sp = (this.altStack.sp + this.altStack.size) >>> 0;
    try {
      p.target.setupSignalFrame(p.cpu, p.mem, {
        info, action: act, rt, oldMask, sp, fault,
        ucStack: { sp: this.altStack.sp, flags: this.altStackFlags(sp0), size: this.altStack.size },
      });
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      // No room for the frame: the kernel's force_sigsegv.
      this.die(p, SIGSEGV);
    }
    if (act.flags & SA_ONSTACK && this.altStack.flags & SS_AUTODISARM && sp !== sp0) this.altStack = { sp: 0, flags: SS_DISABLE, size: 0 };
    // The handler's mask, and SA_RESETHAND's one-shot disposition.
    let mask = this.blockedMask | act.mask;
    if (!(act.flags & SA_NODEFER)) mask |= sigBit(sig);
    if (act.flags & SA_RESETHAND) this.setAction(sig, defaultAction());
    this.blocked = mask;
  }

  /**
   * sigreturn / rt_sigreturn: restore the registers (the target's frame), the mask and, for
   * rt frames, the alternate stack. A bad frame is SIGSEGV, as in the kernel.
   */
  sigreturn(p: LinuxProcess, rt: boolean): undefined {
    this.returnedFromHandler = true;
    this.restartedWait = undefined;
    try {
      const { mask, ucStack: stack } = p.target.restoreSignalFrame(p.cpu, p.mem, rt);
      this.blocked = mask;
      if (rt && !this.onAltStack(p.target.getSp(p.cpu))) {
        // restore_altstack: errors other than EFAULT are ignored.
        const disable = (stack.flags & SS_DISABLE) !== 0;
        if (disable) this.altStack = { sp: 0, flags: SS_DISABLE, size: 0 };
        else if (stack.size >= MINSIGSTKSZ) this.altStack = { sp: stack.sp >>> 0, flags: stack.flags & SS_AUTODISARM, size: stack.size >>> 0 };
      }
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      this.die(p, SIGSEGV);
    }
    return undefined;
  }

  // --- fork ----------------------------------------------------------------------------------
  /** The state a forked child inherits (dispositions, mask, alternate stack; not pending signals nor timers), as JSON. */
  serialize(): unknown {
    return {
      actions: this.actions.map((a) => ({ handler: a.handler, flags: a.flags, restorer: a.restorer, mask: a.mask.toString() })),
      blocked: this.blockedMask.toString(),
      altStack: { ...this.altStack },
    };
  }

  static deserialize(data: unknown): SignalState {
    const s = new SignalState();
    const d = data as { actions?: { handler: number; flags: number; restorer: number; mask: string }[]; blocked?: string; altStack?: AltStack } | undefined;
    if (!d || !d.actions) return s;
    d.actions.forEach((a, sig) => {
      if (sig >= 1 && sig <= NSIG) s.actions[sig] = { handler: a.handler, flags: a.flags, restorer: a.restorer, mask: BigInt(a.mask) };
    });
    s.blocked = BigInt(d.blocked ?? '0');
    if (d.altStack) s.altStack = { ...d.altStack };
    for (let sig = 1; sig <= NSIG; sig++) s.syncHostListener(sig);
    return s;
  }
}

const SIGNAL_NAMES: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted',
  7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1', 11: 'Segmentation fault',
  12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated', 16: 'Stack fault',
  17: 'Child exited', 18: 'Continued', 19: 'Stopped (signal)', 20: 'Stopped', 21: 'Stopped (tty input)',
  22: 'Stopped (tty output)', 23: 'Urgent I/O condition', 24: 'CPU time limit exceeded', 25: 'File size limit exceeded',
  26: 'Virtual timer expired', 27: 'Profiling timer expired', 28: 'Window changed', 29: 'I/O possible',
  30: 'Power failure', 31: 'Bad system call',
};
/** strsignal's text. */
/**
 * gdb's numbers for Linux's signals (gdb's include/gdb/signals.def: its own enum, equal to
 * Linux's only for 1-9, 11, 13-15), as QEMU's gdbstub maps them; 143 is gdb's "unknown".
 */
const GDB_SIGNALS = [0, 1, 2, 3, 4, 5, 6, 10, 8, 9, 30, 11, 31, 13, 14, 15, 143, 20, 19, 17, 18, 21, 22, 16, 24, 25, 26, 27, 28, 23, 32, 12];
export function gdbSignal(sig: number): number {
  if (sig >= 0 && sig < GDB_SIGNALS.length) return GDB_SIGNALS[sig];
  if (sig === 32) return 77; // GDB_SIGNAL_REALTIME_32
  if (sig >= 33 && sig <= 63) return 45 + sig - 33; // GDB_SIGNAL_REALTIME_33…63
  if (sig === 64) return 78;
  return 143;
}
/** The Linux signal for gdb's number (0: none; a number with no Linux signal: 0). */
export function linuxSignal(gdbSig: number): number {
  if (gdbSig === 0) return 0;
  for (let sig = 1; sig <= NSIG; sig++) if (gdbSignal(sig) === gdbSig) return sig;
  return 0;
}

export function signalName(sig: number): string { return SIGNAL_NAMES[sig] ?? (sig >= SIGRTMIN && sig <= NSIG ? `Real-time signal ${sig - SIGRTMIN}` : `Signal ${sig}`); }

const SIGNAL_IDS = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN',
  'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS'];
/** The signal's macro name (SIGSEGV), or its number. */
export function signalId(sig: number): string { return SIGNAL_IDS[sig] || String(sig); }

/** siginfo as -strace shows it (qemu-user's format). */
function siginfoText(info: SigInfo): string {
  const sig = info.signo;
  let code = String(info.code);
  if (info.addr !== undefined) {
    const names: Record<number, string[]> = { [SIGSEGV]: ['', 'SEGV_MAPERR', 'SEGV_ACCERR'], [SIGILL]: ['', 'ILL_ILLOPC', 'ILL_ILLOPN'], [SIGTRAP]: ['', 'TRAP_BRKPT'], [SIGFPE]: ['', 'FPE_INTDIV'] };
    code = names[sig]?.[info.code] || code;
    return `{si_signo=${signalId(sig)}, si_code=${code}, si_addr=0x${(info.addr >>> 0).toString(16).padStart(8, '0')}}`;
  }
  code = ({ [SI_USER]: 'SI_USER', [SI_KERNEL]: 'SI_KERNEL', [SI_QUEUE]: 'SI_QUEUE', [SI_TKILL]: 'SI_TKILL' } as Record<number, string>)[info.code] ?? code;
  return `{si_signo=${signalId(sig)}, si_code=${code}, si_pid=${info.pid ?? 0}, si_uid=${info.uid ?? 0}}`;
}

/** Signals whose default action dumps core (qemu-user reports them as "core dumped"). */
export const CORE_SIGNALS = new Set([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS]);
