/**
 * Signal system calls (signal.ts holds the state and delivery, the target the frames): sigaction, the blocked mask, pending signals, waits, the alternate stack, kill and
 * its thread variants, ITIMER_REAL, and sigreturn.
 */
import { childReady } from '../fork.js';
import { EAGAIN, EINVAL, ENOMEM, EPERM, ESRCH } from '../errno.js';
import { host } from '../host.js';
import type { LinuxProcess } from '../process.js';
import {
  ERESTARTNOHAND, ERESTARTNOINTR, MINSIGSTKSZ, NSIG, SIGKILL, SIGSTOP, SI_TKILL, SI_USER, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK,
  SA_RESTORER, SA_SIGINFO, SA_ONSTACK, SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_NOCLDSTOP, SA_NOCLDWAIT,
  sigBit, signalId, writeSiginfo, type SigInfo,
} from '../signal.js';
import { ARG_FORMATTERS } from '../strace.js';
import type { SyscallTable } from '../syscall.js';

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
const ITIMER_REAL = 0, ITIMER_PROF = 2;
/** The kernel's sigset_t (ARM and i386): 64 signals, 8 bytes. */
const SIGSET_SIZE = 8;

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

// -strace formats: signal numbers by name, sigprocmask's how, sigaction structures.
ARG_FORMATTERS.sig = (_p, v) => signalId(v | 0);
ARG_FORMATTERS.sighow = (_p, v) => ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'][v] ?? String(v);
const SA_NAMES: [number, string][] = [[SA_NOCLDSTOP, 'SA_NOCLDSTOP'], [SA_NOCLDWAIT, 'SA_NOCLDWAIT'], [SA_SIGINFO, 'SA_SIGINFO'],
  [SA_RESTORER, 'SA_RESTORER'], [SA_ONSTACK, 'SA_ONSTACK'], [SA_RESTART, 'SA_RESTART'], [SA_NODEFER, 'SA_NODEFER'], [SA_RESETHAND, 'SA_RESETHAND']];
function saFlags(flags: number): string {
  const names = SA_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n);
  const rest = flags & ~SA_NAMES.reduce((m, [bit]) => m | bit, 0);
  if (rest || names.length === 0) names.push(hex(rest));
  return names.join('|');
}
function maskText(mask: bigint): string {
  const sigs: string[] = [];
  for (let s = 1; s <= NSIG; s++) if (mask & sigBit(s)) sigs.push(signalId(s));
  return `[${sigs.join(' ')}]`;
}
ARG_FORMATTERS.sigaction = (p, v) => {
  if (v === 0) return 'NULL';
  try {
    const h = p.mem.u32(v), flags = p.mem.u32(v + 4), restorer = p.mem.u32(v + 8), mask = p.mem.u64(v + 12);
    const handler = h === 0 ? 'SIG_DFL' : h === 1 ? 'SIG_IGN' : hex(h);
    return `{${handler},${maskText(mask)},${saFlags(flags)}${flags & SA_RESTORER ? `,${hex(restorer)}` : ''}}`;
  } catch { return hex(v); }
};
ARG_FORMATTERS.sigset = (p, v) => {
  if (v === 0) return 'NULL';
  try { return maskText(p.mem.u64(v)); } catch { return hex(v); }
};

/** The part of kill's target that is this process (a single-threaded guest: pid = tid). */
function self(p: LinuxProcess, pid: number): boolean { return pid === p.pid; }

function uid(): number { return process.getuid?.() ?? 0; }

/** Send `sig` to this process: 0 checks, SIGKILL ends it, SIGSTOP stops the emulator. */
function sendSelf(p: LinuxProcess, sig: number, info: SigInfo): number {
  if (sig === 0) return 0;
  if (sig === SIGKILL) p.terminate({ signal: SIGKILL, core: false });
  if (sig === SIGSTOP) return host.kill(process.pid, SIGSTOP);
  p.signals.queue(info);
  return 0;
}

const validSig = (sig: number): boolean => sig >= 0 && sig <= NSIG;

function readSigset(p: LinuxProcess, addr: number, size: number): bigint {
  return size >= 8 ? p.mem.u64(addr) : BigInt(p.mem.u32(addr));
}

/** sigprocmask and rt_sigprocmask (`size` 4: the old call, signals 1-32). */
function sigprocmask(p: LinuxProcess, how: number, set: number, oset: number, size: number): number {
  const s = p.signals;
  const old = s.blocked;
  let next = old;
  if (set) {
    const m = readSigset(p, set >>> 0, size);
    switch (how) {
      case SIG_BLOCK: next = old | m; break;
      case SIG_UNBLOCK: next = old & ~m; break;
      case SIG_SETMASK: next = size >= 8 ? m : (old & ~0xffffffffn) | m; break;
      default: return -EINVAL;
    }
  }
  // Unblocking a signal the host may have sent meanwhile: run again after the event loop turned.
  const callPc = p.target.syscallPc(p.cpu);
  if (s.unblockRestartPc !== callPc && s.unblockNeedsYield(old & ~next)) {
    s.unblockRestartPc = callPc;
    return -ERESTARTNOINTR;
  }
  if (oset) {
    if (size >= 8) p.mem.setU64(oset >>> 0, old); else p.mem.setU32(oset >>> 0, Number(old & 0xffffffffn));
  }
  s.blocked = next;
  return 0;
}

function timevalMs(p: LinuxProcess, addr: number): number | undefined {
  const sec = p.mem.i32(addr), usec = p.mem.i32(addr + 4);
  if (sec < 0 || usec < 0 || usec >= 1e6) return undefined;
  return sec * 1000 + usec / 1000;
}
function putTimeval(p: LinuxProcess, addr: number, ms: number): void {
  const us = Math.round(ms * 1000);
  p.mem.setU32(addr, Math.floor(us / 1e6));
  p.mem.setU32(addr + 4, us % 1e6);
}
function putItimer(p: LinuxProcess, addr: number, [value, interval]: [number, number]): void {
  putTimeval(p, addr, interval);
  putTimeval(p, addr + 8, value);
}

/** rt_sigtimedwait's timeout: 32-bit or 64-bit timespec, in ms (undefined: none; NaN: invalid). */
function timeoutMs(p: LinuxProcess, addr: number, wide: boolean): number | undefined {
  if (addr === 0) return undefined;
  const sec = wide ? Number(p.mem.i64(addr)) : p.mem.i32(addr);
  const nsec = wide ? Number(p.mem.i64(addr + 8)) : p.mem.i32(addr + 4);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return NaN;
  return sec * 1000 + nsec / 1e6;
}

function sigtimedwait(wide: boolean): SyscallTable[string] {
  return {
    args: ['sigset', 'p', 'p', 'u'],
    run(p, setAddr, infoAddr, ts, size) {
      if (size !== SIGSET_SIZE) return -EINVAL;
      const s = p.signals;
      const set = p.mem.u64(setAddr >>> 0) & ~(sigBit(SIGKILL) | sigBit(SIGSTOP));
      const t = timeoutMs(p, ts >>> 0, wide);
      if (Number.isNaN(t)) return -EINVAL;
      const callPc = p.target.syscallPc(p.cpu);
      // A wait restarted after a slice keeps its deadline.
      const deadline = s.restartedWait?.pc === callPc ? s.restartedWait.deadline : t === undefined ? Infinity : performance.now() + t;
      s.restartedWait = undefined;
      // The signals of `set` are taken even though blocked; others interrupt the wait as usual.
      const take = (): number | undefined => {
        const info = s.take(set);
        if (!info) return undefined;
        if (infoAddr) writeSiginfo(p.mem, infoAddr >>> 0, info);
        return info.signo;
      };
      const got = take();
      if (got !== undefined) return got;
      if (s.waitForSignal(s.blocked & ~set, deadline)) return take() ?? -ERESTARTNOHAND;
      if (performance.now() >= deadline) return -EAGAIN;
      s.restartedWait = { pc: callPc, deadline };
      return -ERESTARTNOHAND;
    },
  };
}

function sigaction(p: LinuxProcess, sig: number, act: number, oact: number, old: boolean): number {
  if (sig < 1 || sig > NSIG || ((sig === SIGKILL || sig === SIGSTOP) && act)) return -EINVAL;
  const s = p.signals;
  // Read the new action first: act and oact may be the same buffer.
  let next;
  if (act) {
    act >>>= 0;
    next = old
      ? { handler: p.mem.u32(act), mask: BigInt(p.mem.u32(act + 4)), flags: p.mem.u32(act + 8), restorer: p.mem.u32(act + 12) }
      : { handler: p.mem.u32(act), flags: p.mem.u32(act + 4), restorer: p.mem.u32(act + 8), mask: p.mem.u64(act + 12) };
  }
  if (oact) {
    const a = s.actions[sig];
    oact >>>= 0;
    if (old) {
      p.mem.setU32(oact, a.handler); p.mem.setU32(oact + 4, Number(a.mask & 0xffffffffn));
      p.mem.setU32(oact + 8, a.flags); p.mem.setU32(oact + 12, a.restorer);
    } else {
      p.mem.setU32(oact, a.handler); p.mem.setU32(oact + 4, a.flags); p.mem.setU32(oact + 8, a.restorer); p.mem.setU64(oact + 12, a.mask);
    }
  }
  if (next) s.setAction(sig, next);
  return 0;
}

function kill(p: LinuxProcess, pid: number, sig: number, code: number): number {
  if (!validSig(sig)) return -EINVAL;
  if (self(p, pid)) return sendSelf(p, sig, { signo: sig, code, pid: p.pid, uid: uid() });
  // Other processes, process groups (0, -pgid) and -1 through the host. A group that includes
  // the emulator sends the host signal to it too: a listener queues it when the guest handles
  // it, else the host's default action applies, as it would to the guest.
  childReady(pid);
  return host.kill(pid, sig);
}

export const signalSyscalls: SyscallTable = {
  rt_sigaction: {
    args: ['sig', 'sigaction', 'p', 'u'],
    run(p, sig, act, oact, size) {
      if (size !== SIGSET_SIZE) return -EINVAL;
      return sigaction(p, sig, act, oact, false);
    },
  },
  sigaction: { args: ['sig', 'p', 'p'], run: (p, sig, act, oact) => sigaction(p, sig, act, oact, true) },
  rt_sigprocmask: {
    args: ['sighow', 'sigset', 'p', 'u'],
    run(p, how, set, oset, size) {
      if (size !== SIGSET_SIZE) return -EINVAL;
      return sigprocmask(p, how, set, oset, 8);
    },
  },
  sigprocmask: { args: ['sighow', 'p', 'p'], run: (p, how, set, oset) => sigprocmask(p, how, set, oset, 4) },
  rt_sigpending: {
    args: ['p', 'u'],
    run(p, set, size) {
      if (size > SIGSET_SIZE) return -EINVAL;
      const pend = p.signals.pendingSet & p.signals.blocked;
      if (size >= 8) p.mem.setU64(set >>> 0, pend); else p.mem.setU32(set >>> 0, Number(pend & 0xffffffffn));
      return 0;
    },
  },
  sigpending: {
    args: ['p'],
    run(p, set) { p.mem.setU32(set >>> 0, Number(p.signals.pendingSet & p.signals.blocked & 0xffffffffn)); return 0; },
  },
  rt_sigsuspend: {
    args: ['sigset', 'u'],
    run(p, set, size) {
      if (size !== SIGSET_SIZE) return -EINVAL;
      const mask = p.mem.u64(set >>> 0);
      p.signals.suspend(mask);
      p.signals.waitForSignal(p.signals.blocked);
      return p.signals.waitResult();
    },
  },
  sigsuspend: {
    // The old call (OLD_SIGSUSPEND3, ARM's and i386's): (unused, unused, mask), the mask of signals 1-32.
    args: ['x', 'x', 'x'],
    run(p, _a0, _a1, mask) {
      p.signals.suspend(BigInt(mask >>> 0));
      p.signals.waitForSignal(p.signals.blocked);
      return p.signals.waitResult();
    },
  },
  pause: {
    args: [],
    run(p) {
      p.signals.waitForSignal(p.signals.blocked);
      return p.signals.waitResult();
    },
  },
  rt_sigtimedwait: sigtimedwait(false),
  rt_sigtimedwait_time64: sigtimedwait(true),
  rt_sigqueueinfo: {
    args: ['d', 'sig', 'p'],
    run(p, pid, sig, uinfo) {
      if (!validSig(sig)) return -EINVAL;
      if (!self(p, pid)) return pid > 0 ? host.kill(pid, sig) : -ESRCH;
      const code = p.mem.i32((uinfo >>> 0) + 8);
      if (code >= 0 || code === SI_TKILL) return -EPERM;
      return sendSelf(p, sig, { signo: sig, code, pid: p.mem.i32((uinfo >>> 0) + 12), uid: p.mem.u32((uinfo >>> 0) + 16), value: p.mem.i32((uinfo >>> 0) + 20) });
    },
  },
  rt_sigreturn: { args: [], run: (p) => p.signals.sigreturn(p, true) },
  sigreturn: { args: [], run: (p) => p.signals.sigreturn(p, false) },
  sigaltstack: {
    args: ['p', 'p'],
    run(p, ss, oss) {
      const s = p.signals;
      const sp = p.target.getSp(p.cpu);
      let next;
      if (ss) {
        ss >>>= 0;
        const spNew = p.mem.u32(ss), flags = p.mem.i32(ss + 4), size = p.mem.u32(ss + 8);
        if (s.onAltStack(sp)) return -EPERM;
        const mode = flags & ~SS_AUTODISARM;
        if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) return -EINVAL;
        if (mode === SS_DISABLE) next = { sp: 0, flags: SS_DISABLE, size: 0 };
        else if (size < MINSIGSTKSZ) return -ENOMEM;
        else next = { sp: spNew, flags: flags & SS_AUTODISARM, size };
      }
      if (oss) {
        oss >>>= 0;
        p.mem.setU32(oss, s.altStack.sp); p.mem.setU32(oss + 4, s.altStackFlags(sp)); p.mem.setU32(oss + 8, s.altStack.size);
      }
      if (next) s.altStack = next;
      return 0;
    },
  },
  kill: { args: ['d', 'sig'], run: (p, pid, sig) => kill(p, pid, sig, SI_USER) },
  tkill: {
    args: ['d', 'sig'],
    run(p, tid, sig) {
      if (!validSig(sig) || tid <= 0) return -EINVAL;
      if (self(p, tid)) return sendSelf(p, sig, { signo: sig, code: SI_TKILL, pid: p.pid, uid: uid() });
      childReady(tid);
      return host.kill(tid, sig);
    },
  },
  tgkill: {
    args: ['d', 'd', 'sig'],
    run(p, tgid, tid, sig) {
      if (!validSig(sig) || tid <= 0 || tgid <= 0) return -EINVAL;
      if (self(p, tgid)) return self(p, tid) ? sendSelf(p, sig, { signo: sig, code: SI_TKILL, pid: p.pid, uid: uid() }) : -ESRCH;
      if (tgid !== tid) return -ESRCH;
      childReady(tid);
      return host.kill(tid, sig);
    },
  },
  setitimer: {
    args: ['d', 'p', 'p'],
    run(p, which, value, ovalue) {
      if (which < ITIMER_REAL || which > ITIMER_PROF) return -EINVAL;
      let next: [number, number] | undefined;
      if (value) {
        const interval = timevalMs(p, value >>> 0), v = timevalMs(p, (value >>> 0) + 8);
        if (interval === undefined || v === undefined) return -EINVAL;
        next = [v, interval];
      }
      const s = p.signals;
      const old = which === ITIMER_REAL ? s.getRealTimer() : s.otherTimers.get(which) ?? [0, 0];
      if (ovalue) putItimer(p, ovalue >>> 0, old);
      if (next) {
        if (which === ITIMER_REAL) s.setRealTimer(next[0], next[1]);
        else s.otherTimers.set(which, next); // ITIMER_VIRTUAL, ITIMER_PROF: kept, never fire
      }
      return 0;
    },
  },
  getitimer: {
    args: ['d', 'p'],
    run(p, which, value) {
      if (which < ITIMER_REAL || which > ITIMER_PROF) return -EINVAL;
      const s = p.signals;
      putItimer(p, value >>> 0, which === ITIMER_REAL ? s.getRealTimer() : s.otherTimers.get(which) ?? [0, 0]);
      return 0;
    },
  },
  restart_syscall: { args: [], run: () => -4 /* EINTR */ },
};
