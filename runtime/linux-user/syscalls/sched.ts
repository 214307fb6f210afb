/**
 * futex for one thread, and the scheduling calls a C library makes. With a single guest thread
 * nobody else can wake a FUTEX_WAIT whose value matches: it waits for its timeout or a signal,
 * as pause() does; the wakes and requeues find no waiter.
 */
import { EAGAIN, EFAULT, EINVAL, ENOSYS, ETIMEDOUT } from '../errno.js';
import { PROT_READ, PROT_WRITE } from '../memory.js';
import type { LinuxProcess } from '../process.js';
import type { SyscallTable } from '../syscall.js';

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5,
  FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
  FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
/** The calls that take a timeout (futex_cmd_has_timeout); the others read that argument as a count. */
const TIMED = new Set([FUTEX_WAIT, FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI]);
/** Priority-inheritance futexes: they need an owner thread's tid and a scheduler; not emulated. */
const PI = new Set([FUTEX_LOCK_PI, FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI, FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI, FUTEX_LOCK_PI2]);

/** The futex word at `uaddr` (get_futex_key and get_user): EINVAL if unaligned, EFAULT if not readable. */
function futexWord(p: LinuxProcess, uaddr: number): number {
  uaddr >>>= 0;
  if (uaddr % 4) return -EINVAL;
  if (uaddr >= p.mem.taskSize || !p.mem.accessible(uaddr, 4, PROT_READ)) return -EFAULT;
  return 0;
}

/**
 * get_futex_key: EINVAL if unaligned; a shared (not FUTEX_PRIVATE_FLAG) futex must be in a
 * mapped page (EFAULT), a private one is only an address. 0 if fine.
 */
function futexKey(p: LinuxProcess, uaddr: number, op: number): number {
  uaddr >>>= 0;
  if (uaddr % 4) return -EINVAL;
  if (!(op & FUTEX_PRIVATE_FLAG) && (uaddr >= p.mem.taskSize || !p.mem.isMapped(uaddr >>> 12))) return -EFAULT;
  return 0;
}

/** FUTEX_WAKE_OP's operation on the word at uaddr2 (futex_atomic_op_inuser): the comparison's result, or -errno. */
function wakeOp(p: LinuxProcess, uaddr2: number, encoded: number): number {
  const op = (encoded >>> 28) & 7, cmp = (encoded >>> 24) & 15;
  let oparg = (encoded << 8) >> 20; // bits 12..23, sign-extended
  const cmparg = (encoded << 20) >> 20; // bits 0..11, sign-extended
  if (encoded & (8 << 28)) oparg = 1 << (oparg & 31); // FUTEX_OP_OPARG_SHIFT (the kernel masks a bad shift too)
  if (op > 4) return -ENOSYS;
  uaddr2 >>>= 0;
  if (uaddr2 >= p.mem.taskSize || !p.mem.accessible(uaddr2, 4, PROT_READ | PROT_WRITE)) return -EFAULT;
  const old = p.mem.i32(uaddr2);
  const next = [oparg, old + oparg, old | oparg, old & ~oparg, old ^ oparg][op];
  p.mem.setU32(uaddr2, next);
  switch (cmp) {
    case 0: return old === cmparg ? 1 : 0;
    case 1: return old !== cmparg ? 1 : 0;
    case 2: return old < cmparg ? 1 : 0;
    case 3: return old <= cmparg ? 1 : 0;
    case 4: return old > cmparg ? 1 : 0;
    case 5: return old >= cmparg ? 1 : 0;
    default: return -ENOSYS;
  }
}

/** Now on the clock of an absolute FUTEX_WAIT_BITSET timeout, in ns (the guest's clock_gettime clocks, time.ts). */
const clockNowNs = (realtime: boolean): bigint =>
  realtime ? BigInt(Date.now()) * 1000000n + (process.hrtime.bigint() % 1000000n) : process.hrtime.bigint();

/**
 * futex for a single-threaded process (kernel/futex/): nobody else can wake a waiter, so a wait
 * whose value matches lasts until its timeout or a signal, and the wakes and requeues find
 * nobody (0). The checks and their order are the kernel's; PI futexes are ENOSYS.
 */
function futex(wideTime: boolean): SyscallTable[string] {
  return {
    args: ['p', 'x', 'd', 'p', 'p', 'd'],
    run(p: LinuxProcess, uaddr, op, val, utime, uaddr2, val3) {
      const cmd = op & FUTEX_CMD_MASK;
      // sys_futex: read and check the timeout first (absolute ns on its clock, or relative for FUTEX_WAIT).
      let timeoutNs: bigint | undefined;
      if (utime && TIMED.has(cmd)) {
        const at = utime >>> 0;
        const sec = wideTime ? p.mem.i64(at) : BigInt(p.mem.i32(at));
        const nsec = wideTime ? p.mem.i64(at + 8) : BigInt(p.mem.i32(at + 4));
        if (sec < 0n || nsec < 0n || nsec >= 1000000000n) return -EINVAL;
        timeoutNs = sec * 1000000000n + nsec;
      }
      if (op & FUTEX_CLOCK_REALTIME && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT_REQUEUE_PI && cmd !== FUTEX_LOCK_PI2) return -ENOSYS;
      if (PI.has(cmd)) return -ENOSYS;
      switch (cmd) {
        case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
          if (cmd === FUTEX_WAIT_BITSET && val3 === 0) return -EINVAL;
          const bad = futexWord(p, uaddr);
          if (bad) return bad;
          if (p.mem.i32(uaddr) !== val) return -EAGAIN;
          if (timeoutNs === undefined) {
            p.signals.waitForSignal(p.signals.blocked);
            return p.signals.waitResult();
          }
          const ms = cmd === FUTEX_WAIT ? Number(timeoutNs) / 1e6 : Number(timeoutNs - clockNowNs((op & FUTEX_CLOCK_REALTIME) !== 0)) / 1e6;
          // Until the timeout or a signal (EINTR for a handler, as -ERESTART_RESTARTBLOCK becomes).
          // The wait stays in this call across slices: a restart would start a relative timeout again.
          const deadline = performance.now() + ms;
          while (performance.now() < deadline) {
            if (p.signals.waitForSignal(p.signals.blocked, deadline)) return p.signals.waitResult();
          }
          return -ETIMEDOUT;
        }
        case FUTEX_WAKE: case FUTEX_WAKE_BITSET: {
          if (cmd === FUTEX_WAKE_BITSET && val3 === 0) return -EINVAL;
          return futexKey(p, uaddr, op);
        }
        case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: {
          // nr_wake (val) and nr_requeue (the timeout argument) are ints.
          if (val < 0 || utime < 0) return -EINVAL;
          const badKey = futexKey(p, uaddr, op) || futexKey(p, uaddr2, op);
          if (badKey || cmd === FUTEX_REQUEUE) return badKey;
          const bad = futexWord(p, uaddr);
          if (bad) return bad;
          return p.mem.i32(uaddr) !== val3 ? -EAGAIN : 0;
        }
        case FUTEX_WAKE_OP: {
          const badKey = futexKey(p, uaddr, op) || futexKey(p, uaddr2, op);
          if (badKey) return badKey;
          const r = wakeOp(p, uaddr2, val3);
          return r < 0 ? r : 0; // nobody to wake on either word
        }
        case FUTEX_FD: // removed in Linux 2.6.26
        default:
          return -ENOSYS;
      }
    },
  };
}

export const schedSyscalls: SyscallTable = {
  futex: futex(false),
  futex_time64: futex(true),
  sched_yield: { args: [], run: () => 0 },
  sched_getaffinity: {
    args: ['d', 'u', 'p'],
    run(p, _pid, len, mask) {
      if (len < 4) return -EINVAL;
      // One CPU: the guest has one thread, so more would only make programs start idle workers.
      p.mem.writable(mask >>> 0, 4).set([1, 0, 0, 0]);
      return 4;
    },
  },
  getcpu: {
    args: ['p', 'p', 'p'],
    run(p, cpu, node) { if (cpu) p.mem.setU32(cpu, 0); if (node) p.mem.setU32(node, 0); return 0; },
  },
  getpriority: { args: ['d', 'd'], run: () => 20 }, // the kernel returns 20 - nice
  setpriority: { args: ['d', 'd', 'd'], run: () => 0 },
  mlock: { args: ['p', 'u'], run: () => 0 },
  munlock: { args: ['p', 'u'], run: () => 0 },
  mlockall: { args: ['x'], run: () => 0 },
  munlockall: { args: [], run: () => 0 },
};
