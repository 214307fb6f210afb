/**
 * futex for one thread, and the scheduling calls a C library makes. With a single guest thread
 * nobody else can wake a FUTEX_WAIT whose value matches: it waits for its timeout, or (without
 * one) for a signal, as pause() does; FUTEX_WAKE finds no waiter.
 */
import { EAGAIN, EINVAL, ENOSYS, ETIMEDOUT } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import type { SyscallTable } from '../syscall.js';

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
const FUTEX_CMD_MASK = ~(128 | 256); // FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function futex(wideTime: boolean): SyscallTable[string] {
  return {
    args: ['p', 'x', 'd', 'p', 'p', 'd'],
    run(p: LinuxProcess, uaddr, op, val, timeout) {
      switch (op & FUTEX_CMD_MASK) {
        case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
          if (p.mem.i32(uaddr) !== val) return -EAGAIN;
          if (timeout === 0) {
            p.signals.waitForSignal(p.signals.blocked);
            return p.signals.waitResult();
          }
          const sec = wideTime ? Number(p.mem.i64(timeout)) : p.mem.i32(timeout);
          const nsec = wideTime ? Number(p.mem.i64(timeout + 8)) : p.mem.i32(timeout + 4);
          if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
          // FUTEX_WAIT's timeout is relative (BITSET's is absolute: then it has passed or we wait it out).
          let ms = sec * 1000 + nsec / 1e6;
          if ((op & FUTEX_CMD_MASK) === FUTEX_WAIT_BITSET) ms = Math.max(0, ms - (op & 256 ? Date.now() : performance.now()));
          if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
          return -ETIMEDOUT;
        }
        case FUTEX_WAKE: case FUTEX_WAKE_BITSET: case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: case FUTEX_WAKE_OP:
          return 0;
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
