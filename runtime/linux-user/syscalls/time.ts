/** Time system calls: clocks (32- and 64-bit time_t variants), sleeps, times. */
import { EINVAL } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import type { SyscallTable } from '../syscall.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
  CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
const TIMER_ABSTIME = 1;

/** Nanoseconds since the epoch (real time). */
export const realtimeNs = (): bigint => BigInt(Date.now()) * 1000000n + (process.hrtime.bigint() % 1000000n);
const monotonicNs = (): bigint => process.hrtime.bigint();
const cpuNs = (): bigint => { const u = process.cpuUsage(); return BigInt(u.user + u.system) * 1000n; };

function clockNs(clock: number): bigint | undefined {
  switch (clock) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: return realtimeNs();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: return monotonicNs();
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: return cpuNs();
    default: return undefined;
  }
}

/** struct timespec: 32-bit (old_timespec32) or 64-bit (__kernel_timespec, 16 bytes) seconds. */
function putTimespec(p: LinuxProcess, addr: number, ns: bigint, wide: boolean): void {
  const sec = ns / 1000000000n, nsec = Number(ns % 1000000000n);
  if (wide) { p.mem.setU64(addr, sec); p.mem.setU64(addr + 8, BigInt(nsec)); } else { p.mem.setU32(addr, Number(BigInt.asIntN(32, sec))); p.mem.setU32(addr + 4, nsec); }
}
function getTimespec(p: LinuxProcess, addr: number, wide: boolean): bigint | undefined {
  const sec = wide ? p.mem.i64(addr) : BigInt(p.mem.i32(addr));
  const nsec = wide ? Number(p.mem.i64(addr + 8) & 0xffffffffn) | 0 : p.mem.i32(addr + 4);
  if (sec < 0n || nsec < 0 || nsec >= 1e9) return undefined;
  return sec * 1000000000n + BigInt(nsec);
}

// Made at the first sleep: a V8 start-up snapshot (runtime/cli/snapshot.ts) is built without SharedArrayBuffer.
let sleeper: Int32Array | undefined;
/** Block the thread for ns nanoseconds (the guest is the only thing running). */
function sleepNs(ns: bigint): void {
  const end = monotonicNs() + ns;
  for (;;) {
    const left = end - monotonicNs();
    if (left <= 0n) return;
    Atomics.wait(sleeper ??= new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(left) / 1e6);
  }
}

function clockGettime(wide: boolean): SyscallTable[string] {
  return {
    args: ['d', 'p'],
    run(p, clock, ts) {
      const ns = clockNs(clock);
      if (ns === undefined) return -EINVAL;
      putTimespec(p, ts >>> 0, ns, wide);
      return 0;
    },
  };
}

function clockGetres(wide: boolean): SyscallTable[string] {
  return {
    args: ['d', 'p'],
    run(p, clock, ts) {
      if (clockNs(clock) === undefined) return -EINVAL;
      if (ts) putTimespec(p, ts >>> 0, clock === CLOCK_REALTIME_COARSE || clock === CLOCK_MONOTONIC_COARSE ? 4000000n : 1n, wide);
      return 0;
    },
  };
}

function clockNanosleep(wide: boolean): SyscallTable[string] {
  return {
    args: ['d', 'x', 'p', 'p'],
    run(p, clock, flags, req, rem) {
      const t = getTimespec(p, req >>> 0, wide);
      if (t === undefined) return -EINVAL;
      const now = clockNs(clock);
      if (now === undefined) return -EINVAL;
      sleepNs(flags & TIMER_ABSTIME ? t - now : t);
      if (rem && !(flags & TIMER_ABSTIME)) putTimespec(p, rem >>> 0, 0n, wide);
      return 0;
    },
  };
}

export const timeSyscalls: SyscallTable = {
  clock_gettime: clockGettime(false),
  clock_gettime64: clockGettime(true),
  clock_getres: clockGetres(false),
  clock_getres_time64: clockGetres(true),
  clock_nanosleep: clockNanosleep(false),
  clock_nanosleep_time64: clockNanosleep(true),
  gettimeofday: {
    args: ['p', 'p'],
    run(p, tv, tz) {
      const ns = realtimeNs();
      if (tv) { p.mem.setU32(tv, Number(ns / 1000000000n)); p.mem.setU32(tv + 4, Number((ns / 1000n) % 1000000n)); }
      if (tz) { p.mem.setU32(tz, 0); p.mem.setU32(tz + 4, 0); }
      return 0;
    },
  },
  settimeofday: { args: ['p', 'p'], run: () => -1 /* EPERM */ },
  nanosleep: {
    args: ['p', 'p'],
    run(p, req, rem) {
      const t = getTimespec(p, req >>> 0, false);
      if (t === undefined) return -EINVAL;
      sleepNs(t);
      if (rem) putTimespec(p, rem >>> 0, 0n, false);
      return 0;
    },
  },
  times: {
    args: ['p'],
    run(p, buf) {
      const u = process.cpuUsage();
      const ticks = (us: number): number => Math.floor(us / 10000); // USER_HZ = 100
      if (buf) { p.mem.setU32(buf, ticks(u.user)); p.mem.setU32(buf + 4, ticks(u.system)); p.mem.setU32(buf + 8, 0); p.mem.setU32(buf + 12, 0); }
      return Number((monotonicNs() / 10000000n) & 0x7fffffffn);
    },
  },
};
